using ECommerce.Contracts.Shipping.V1;
using Grpc.Core;
using static ECommerce.Shipping.Tests.ShippingTestEnvironment;

namespace ECommerce.Shipping.Tests;

/// <summary>Who may call what: anonymous, another customer, the owner, an admin, a service without the shipping scope, and Orders.</summary>
public sealed class AccessTests(ShippingTestEnvironment shop)
{
    [Fact]
    public async Task Each_caller_may_do_exactly_what_the_access_matrix_says()
    {
        var sku = (await shop.NewSkusAsync(700))[0];
        var quote = (await shop.QuotesAsync(shop.Customer, Berlin(), Item(sku, 1)))[0];
        var booked = await shop.BookedAsync();
        var delivered = await new ReturnTests(shop).DeliveredAsync(shop.Shop);
        var create = new CreateShipmentRequest { OrderId = $"order-{Guid.NewGuid():N}", QuoteId = quote.QuoteId, UserId = shop.CustomerId };
        var callers = new Dictionary<string, Metadata?>
        {
            ["anonymous"] = null, ["other customer"] = shop.OtherCustomer, ["owner"] = shop.Customer,
            ["admin"] = shop.Admin, ["service without scope"] = shop.ServiceWithoutScope, ["orders"] = shop.Orders,
        };
        var rpcs = new Dictionary<string, Func<Metadata?, Task>>
        {
            ["GetQuotes"] = async as_ => await shop.Shipping.GetQuotesAsync(new GetQuotesRequest { Address = Berlin(), Items = { Item(sku, 1) } }, as_),
            ["GetQuote"] = async as_ => await shop.Shipping.GetQuoteAsync(new GetQuoteRequest { QuoteId = quote.QuoteId }, as_),
            ["CreateShipment"] = async as_ => await shop.Shipping.CreateShipmentAsync(create, as_),
            ["CancelShipment"] = async as_ => await shop.Shipping.CancelShipmentAsync(new CancelShipmentRequest { ShipmentId = booked.ShipmentId }, as_),
            ["GetShipment"] = async as_ => await shop.Shipping.GetShipmentAsync(new GetShipmentRequest { ShipmentId = booked.ShipmentId }, as_),
            ["ListShipments"] = async as_ => await shop.Shipping.ListShipmentsAsync(new ListShipmentsRequest { OrderId = booked.OrderId }, as_),
            ["CreateReturn"] = async as_ => await shop.Shipping.CreateReturnAsync(new CreateReturnRequest { ShipmentId = delivered.ShipmentId }, as_),
        };
        string[] allowed =
        [
            "GetQuotes/other customer", "GetQuotes/owner", "GetQuotes/admin",
            "GetQuote/owner", "GetQuote/admin", "GetQuote/orders",
            "CreateShipment/admin", "CreateShipment/orders",
            "CancelShipment/admin", "CancelShipment/orders",
            "GetShipment/owner", "GetShipment/admin", "GetShipment/orders",
            "ListShipments/owner", "ListShipments/admin", "ListShipments/orders",
            "CreateReturn/owner", "CreateReturn/admin",
        ];

        var outcomes = new List<string>();
        foreach (var (rpc, call) in rpcs)
        {
            foreach (var (caller, token) in callers)
            {
                var expected = allowed.Contains($"{rpc}/{caller}") ? StatusCode.OK : token is null ? StatusCode.Unauthenticated : StatusCode.PermissionDenied;
                var actual = StatusCode.OK;
                try
                {
                    await call(token);
                }
                catch (RpcException error)
                {
                    actual = error.StatusCode;
                }
                if (actual != expected)
                {
                    outcomes.Add($"{rpc} as {caller}: {actual}, expected {expected}");
                }
            }
        }

        Assert.Empty(outcomes);
        Assert.Equal(ShippingService.Descriptor.Methods.Select(method => method.Name).Order(), rpcs.Keys.Order());
    }

    [Fact]
    public async Task A_customer_sees_only_their_own_shipments_of_an_order()
    {
        var booked = await shop.BookedAsync();

        var own = (await shop.Shipping.ListShipmentsAsync(new ListShipmentsRequest { OrderId = booked.OrderId }, shop.Customer)).Shipments;
        var none = (await shop.Shipping.ListShipmentsAsync(new ListShipmentsRequest { OrderId = $"order-{Guid.NewGuid():N}" }, shop.Customer)).Shipments;

        Assert.Equal([booked.ShipmentId], own.Select(shipment => shipment.ShipmentId));
        Assert.Equal(booked.TrackingNumber, own[0].TrackingNumber);
        Assert.Empty(none);
    }
}
