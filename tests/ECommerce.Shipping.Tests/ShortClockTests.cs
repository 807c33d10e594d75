using ECommerce.Contracts.Shipping.V1;
using Grpc.Core;
using Google.Rpc;

namespace ECommerce.Shipping.Tests;

/// <summary>
/// Expiry, on a shop of its own configured with short lives (its own carrier too): a quote lives 2 s
/// (<c>Shipping:QuoteLifetime</c>), a delivered shipment may be returned for 3 s (<c>Shipping:ReturnWindow</c>).
/// </summary>
public sealed class ShortClockTests(ShippingTestEnvironment environment) : IAsyncLifetime
{
    private ShippingShop _shop = null!;

    public async ValueTask InitializeAsync() => _shop = await ShippingShop.StartAsync(environment.Infrastructure, environment.Users, environment.CatalogProcess.Address,
        new Dictionary<string, string> { ["Shipping__QuoteLifetime"] = "00:00:02", ["Shipping__ReturnWindow"] = "00:00:03" });

    public ValueTask DisposeAsync() => _shop.DisposeAsync();

    [Fact]
    public async Task An_expired_quote_is_refused_and_books_nothing()
    {
        var sku = (await environment.NewSkusAsync(500))[0];
        var quote = (await _shop.Client.GetQuotesAsync(new GetQuotesRequest
        {
            Address = ShippingTestEnvironment.Berlin(), Items = { ShippingTestEnvironment.Item(sku, 1) },
        }, environment.Customer)).Quotes[0];
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        var orderId = $"order-{Guid.NewGuid():N}";

        var error = await Assert.ThrowsAsync<RpcException>(() => _shop.Client.CreateShipmentAsync(new CreateShipmentRequest
        {
            OrderId = orderId, QuoteId = quote.QuoteId, UserId = environment.CustomerId,
        }, environment.Orders).ResponseAsync);

        Assert.Equal(TimeSpan.FromSeconds(2), quote.ExpiresAt.ToDateTime() - await CreatedAsync(quote.QuoteId));
        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Equal("QUOTE_EXPIRED", error.GetRpcStatus()!.GetDetail<PreconditionFailure>().Violations.Single().Type);
        Assert.Equal(0L, await _shop.QueryAsync<long>("SELECT count(*) FROM shipments WHERE order_id = $1", orderId));
        // Still readable, so Orders can tell the customer why.
        Assert.Equal(quote.Price, (await _shop.Client.GetQuoteAsync(new GetQuoteRequest { QuoteId = quote.QuoteId }, environment.Orders)).Quote.Price);
    }

    [Fact]
    public async Task A_return_after_the_window_closed_is_refused()
    {
        var delivered = await new ReturnTests(environment).DeliveredAsync(_shop);
        await Task.Delay(TimeSpan.FromSeconds(3.5));

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            _shop.Client.CreateReturnAsync(new CreateReturnRequest { ShipmentId = delivered.ShipmentId }, environment.Customer).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Equal("RETURN_WINDOW_CLOSED", error.GetRpcStatus()!.GetDetail<PreconditionFailure>().Violations.Single().Type);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, (await _shop.Carrier.ParcelsAsync(delivered.ShipmentId)).Single().GetProperty("return").ValueKind);
    }

    private Task<DateTime> CreatedAsync(string quoteId) => _shop.QueryAsync<DateTime>("SELECT created_at FROM quotes WHERE quote_id = $1", Guid.Parse(quoteId));
}
