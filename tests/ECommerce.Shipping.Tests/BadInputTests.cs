using ECommerce.Contracts.Common.V1;
using ECommerce.Contracts.Shipping.V1;
using ECommerce.Testing;

namespace ECommerce.Shipping.Tests;

/// <summary>Bad input on every RPC: INVALID_ARGUMENT naming each bad field.</summary>
public sealed class BadInputTests(ShippingTestEnvironment shop)
{
    private static readonly Dictionary<string, string[]> Fields = new()
    {
        ["GetQuotes"] = ["address.recipient_name", "address.line1", "address.city", "address.country_code", "address.phone", "items[0].sku", "items[0].quantity", "currency_code"],
        ["GetQuotesWithoutAnything"] = ["address", "items"],
        ["GetQuotesWithTooManyItems"] = ["items"],
        ["GetQuote"] = ["quote_id"],
        ["CreateShipment"] = ["order_id", "quote_id", "user_id"],
        ["CancelShipment"] = ["shipment_id", "reason"],
        ["GetShipment"] = ["shipment_id"],
        ["ListShipments"] = ["order_id"],
        ["CreateReturn"] = ["shipment_id", "reason"],
    };

    public static TheoryData<string, string[]> Cases()
    {
        var cases = new TheoryData<string, string[]>();
        foreach (var (rpc, fields) in Fields)
        {
            cases.Add(rpc, fields);
        }
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_input_is_invalid_argument_naming_the_fields(string rpc, string[] fields)
    {
        var (shipping, orders, customer) = (shop.Shipping, shop.Orders, shop.Customer);
        Func<Task> call = rpc switch
        {
            "GetQuotes" => () => shipping.GetQuotesAsync(new GetQuotesRequest
            {
                Address = new Address { RecipientName = " ", PostalCode = "10117", CountryCode = "XX", Phone = "phone me" },
                Items = { new ShippingItem { Sku = "-bad sku", Quantity = 0 } },
                CurrencyCode = "USD",
            }, customer).ResponseAsync,
            "GetQuotesWithoutAnything" => () => shipping.GetQuotesAsync(new GetQuotesRequest(), customer).ResponseAsync,
            "GetQuotesWithTooManyItems" => () => shipping.GetQuotesAsync(new GetQuotesRequest
            {
                Address = ShippingTestEnvironment.Berlin(), Items = { Enumerable.Range(0, 101).Select(i => ShippingTestEnvironment.Item($"SKU-{i}", 1)) },
            }, customer).ResponseAsync,
            "GetQuote" => () => shipping.GetQuoteAsync(new GetQuoteRequest { QuoteId = "q-1" }, customer).ResponseAsync,
            "CreateShipment" => () => shipping.CreateShipmentAsync(new CreateShipmentRequest { OrderId = "", QuoteId = "quote", UserId = new string('u', 101) }, orders).ResponseAsync,
            "CancelShipment" => () => shipping.CancelShipmentAsync(new CancelShipmentRequest { Reason = new string('r', 201) }, orders).ResponseAsync,
            "GetShipment" => () => shipping.GetShipmentAsync(new GetShipmentRequest { ShipmentId = "nope" }, customer).ResponseAsync,
            "ListShipments" => () => shipping.ListShipmentsAsync(new ListShipmentsRequest { OrderId = " " }, customer).ResponseAsync,
            "CreateReturn" => () => shipping.CreateReturnAsync(new CreateReturnRequest { ShipmentId = "1", Reason = new string('r', 201) }, customer).ResponseAsync,
            _ => throw new ArgumentOutOfRangeException(nameof(rpc)),
        };

        await GrpcAssert.InvalidArgumentNamingAsync(call, fields);
    }

    [Fact]
    public void Every_rpc_has_a_bad_input_case()
    {
        Assert.All(ShippingService.Descriptor.Methods, method => Assert.Contains(method.Name, Fields.Keys));
    }
}
