using ECommerce.Contracts.Events.V1;
using ECommerce.Contracts.Shipping.V1;
using Grpc.Core;
using static ECommerce.Shipping.Tests.ShipmentEventLog;

namespace ECommerce.Shipping.Tests;

/// <summary>Shipments with the sandbox carrier: the journey to the door, the ways it goes wrong, cancelling, and one shipment per order.</summary>
public sealed class ShipmentJourneyTests(ShippingTestEnvironment shop)
{
    [Fact]
    public async Task A_shipment_travels_to_delivery_with_its_tracking_and_its_events_reach_a_consumer()
    {
        var booked = await shop.BookedAsync();

        await shop.AdvanceToAsync(booked, ShipmentStatus.PickedUp);
        await shop.AdvanceToAsync(booked, ShipmentStatus.InTransit);
        await shop.AdvanceToAsync(booked, ShipmentStatus.OutForDelivery);
        var delivered = await shop.AdvanceToAsync(booked, ShipmentStatus.Delivered);
        var events = await shop.Events.WaitForAsync(booked.OrderId, found => found.Any(e => e is ShipmentDelivered));

        Assert.Equal(ShipmentStatus.LabelCreated, booked.Status);
        Assert.Matches("^SBX[0-9]{13}DE$", booked.TrackingNumber);
        Assert.Equal(("Sandbox Parcel", "application/zpl"), (booked.Carrier, booked.LabelContentType));
        Assert.Contains(booked.TrackingNumber, booked.Label.ToStringUtf8());
        Assert.Equal(ShipmentStatus.Delivered, delivered.Status);
        Assert.Equal([ShipmentStatus.LabelCreated, ShipmentStatus.PickedUp, ShipmentStatus.InTransit, ShipmentStatus.OutForDelivery, ShipmentStatus.Delivered],
            delivered.Tracking.Select(e => e.Status));
        Assert.Equal("Berlin", delivered.Tracking[^1].Location);
        Assert.Equal(["ShipmentCreated", "ShipmentShipped", "ShipmentDelivered"], Names(events));
        var created = (ShipmentCreated)events[0];
        Assert.Equal((booked.ShipmentId, booked.TrackingNumber, shop.CustomerId), (created.ShipmentId, created.TrackingNumber, created.UserId));
    }

    [Fact]
    public async Task A_cancel_before_pickup_is_accepted_once_and_announced()
    {
        var booked = await shop.BookedAsync();
        var request = new CancelShipmentRequest { ShipmentId = booked.ShipmentId, Reason = "payment declined" };

        var cancelled = (await shop.Shipping.CancelShipmentAsync(request, shop.Orders)).Shipment;
        var again = (await shop.Shipping.CancelShipmentAsync(request, shop.Orders)).Shipment;
        var events = await shop.Events.WaitForAsync(booked.OrderId, found => found.Any(e => e is ShipmentCancelled));

        Assert.Equal((ShipmentStatus.Cancelled, "payment declined"), (cancelled.Status, cancelled.Reason));
        Assert.Equal(ShipmentStatus.Cancelled, again.Status);
        Assert.Equal("cancelled", (await shop.Shop.Carrier.ParcelsAsync(booked.ShipmentId)).Single().GetProperty("status").GetString());
        Assert.Equal(["ShipmentCreated", "ShipmentCancelled"], Names(events));
        Assert.Equal("payment declined", ((ShipmentCancelled)events[1]).Reason);
    }

    [Fact]
    public async Task A_cancel_after_pickup_is_refused_and_the_parcel_travels_on()
    {
        var booked = await shop.BookedAsync();
        await shop.AdvanceToAsync(booked, ShipmentStatus.PickedUp);

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            shop.Shipping.CancelShipmentAsync(new CancelShipmentRequest { ShipmentId = booked.ShipmentId }, shop.Orders).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains("picked_up", error.Status.Detail);
        Assert.Equal("picked_up", (await shop.Shop.Carrier.ParcelsAsync(booked.ShipmentId)).Single().GetProperty("status").GetString());
        Assert.Equal(ShipmentStatus.PickedUp, (await shop.EventuallyAsync(booked.ShipmentId, _ => true)).Status);
    }

    [Fact]
    public async Task A_cancel_is_refused_when_the_carrier_has_the_parcel_before_its_report_arrived()
    {
        var booked = await shop.BookedAsync();
        await shop.AdvanceToAsync(booked, ShipmentStatus.PickedUp);
        // As if the pickup's webhook had not arrived yet: the shop's record still says label_created.
        await shop.Shop.QueryAsync<int>("UPDATE shipments SET status = 'label_created' WHERE shipment_id = $1 RETURNING 1", Guid.Parse(booked.ShipmentId));

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            shop.Shipping.CancelShipmentAsync(new CancelShipmentRequest { ShipmentId = booked.ShipmentId }, shop.Orders).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Equal(ShipmentStatus.PickedUp, (await shop.EventuallyAsync(booked.ShipmentId, _ => true)).Status);
    }

    [Fact]
    public async Task Twenty_concurrent_CreateShipment_calls_for_one_order_give_one_shipment_one_parcel_and_one_event()
    {
        var sku = (await shop.NewSkusAsync(2500))[0];
        var quote = (await shop.QuotesAsync(shop.Customer, ShippingTestEnvironment.Berlin(), ShippingTestEnvironment.Item(sku, 1)))[0];
        var request = new CreateShipmentRequest { OrderId = $"order-{Guid.NewGuid():N}", QuoteId = quote.QuoteId, UserId = shop.CustomerId };

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => shop.Shipping.CreateShipmentAsync(request, shop.Orders).ResponseAsync));
        var later = (await shop.Shipping.CreateShipmentAsync(request, shop.Orders)).Shipment;
        var events = await shop.Events.WaitForAsync(request.OrderId, found => found.Count > 0);
        await Task.Delay(500);

        var shipmentId = Assert.Single(answers.Select(answer => answer.Shipment.ShipmentId).Append(later.ShipmentId).Distinct());
        Assert.All(answers, answer => Assert.Equal(ShipmentStatus.LabelCreated, answer.Shipment.Status));
        Assert.Single(answers.Select(answer => answer.Shipment.TrackingNumber).Distinct());
        Assert.Single(await shop.Shop.Carrier.ParcelsAsync(shipmentId));
        Assert.Equal(["ShipmentCreated"], Names(shop.Events.Of(request.OrderId)));
        Assert.Equal(1L, await shop.Shop.QueryAsync<long>("SELECT count(*) FROM shipments WHERE order_id = $1", request.OrderId));
        Assert.NotEmpty(events);
    }

    [Fact]
    public async Task A_shipment_is_booked_at_the_quotes_price_address_items_and_option()
    {
        var skus = await shop.NewSkusAsync(1200, 300);
        var address = ShippingTestEnvironment.Berlin();
        var quotes = await shop.QuotesAsync(shop.Customer, address, ShippingTestEnvironment.Item(skus[1], 2), ShippingTestEnvironment.Item(skus[0], 1));
        var express = quotes.Single(quote => quote.Option == ShippingOption.Express);

        var shipment = (await shop.Shipping.CreateShipmentAsync(new CreateShipmentRequest
        {
            OrderId = $"order-{Guid.NewGuid():N}", QuoteId = express.QuoteId, UserId = shop.CustomerId,
        }, shop.Orders)).Shipment;

        Assert.Equal((express.Price, ShippingOption.Express, address, express.QuoteId), (shipment.Price, shipment.Option, shipment.Address, shipment.QuoteId));
        Assert.Equal(express.Items, shipment.Items);
        var parcel = (await shop.Shop.Carrier.ParcelsAsync(shipment.ShipmentId)).Single();
        Assert.Equal(("express", 1800L), (parcel.GetProperty("service").GetString(), parcel.GetProperty("weight_grams").GetInt64()));
    }

    [Fact]
    public async Task The_same_order_with_another_quote_or_a_quote_of_another_customer_is_refused()
    {
        var booked = await shop.BookedAsync();
        var sku = (await shop.NewSkusAsync(100))[0];
        var other = (await shop.QuotesAsync(shop.Customer, ShippingTestEnvironment.Berlin(), ShippingTestEnvironment.Item(sku, 1)))[0];
        var (_, stranger) = await shop.NewCustomerAsync();
        var strangers = (await shop.QuotesAsync(stranger, ShippingTestEnvironment.Berlin(), ShippingTestEnvironment.Item(sku, 1)))[0];

        var sameOrder = await Assert.ThrowsAsync<RpcException>(() => shop.Shipping.CreateShipmentAsync(new CreateShipmentRequest
        {
            OrderId = booked.OrderId, QuoteId = other.QuoteId, UserId = shop.CustomerId,
        }, shop.Orders).ResponseAsync);
        var notTheirs = await Assert.ThrowsAsync<RpcException>(() => shop.Shipping.CreateShipmentAsync(new CreateShipmentRequest
        {
            OrderId = $"order-{Guid.NewGuid():N}", QuoteId = strangers.QuoteId, UserId = shop.CustomerId,
        }, shop.Orders).ResponseAsync);
        var unknown = await Assert.ThrowsAsync<RpcException>(() => shop.Shipping.CreateShipmentAsync(new CreateShipmentRequest
        {
            OrderId = $"order-{Guid.NewGuid():N}", QuoteId = Guid.NewGuid().ToString(), UserId = shop.CustomerId,
        }, shop.Orders).ResponseAsync);

        Assert.Equal((StatusCode.FailedPrecondition, StatusCode.FailedPrecondition, StatusCode.NotFound), (sameOrder.StatusCode, notTheirs.StatusCode, unknown.StatusCode));
        Assert.Contains(booked.ShipmentId, sameOrder.Status.Detail);
        Assert.Contains("user_id", notTheirs.Status.Detail);
    }

    [Fact]
    public async Task A_parcel_damaged_in_transit_ends_in_an_exception_with_the_carriers_reason()
    {
        var booked = await shop.BookedAsync("Test Damaged Parcel");

        await shop.AdvanceToAsync(booked, ShipmentStatus.PickedUp);
        await shop.AdvanceToAsync(booked, ShipmentStatus.InTransit);
        var damaged = await shop.AdvanceToAsync(booked, ShipmentStatus.Exception);
        var events = await shop.Events.WaitForAsync(booked.OrderId, found => found.Any(e => e is ShipmentException));

        Assert.Equal("Damaged in transit", damaged.Reason);
        var exception = Assert.IsType<ShipmentException>(events[^1]);
        Assert.Equal(("Damaged in transit", false), (exception.Reason, exception.ReturnedToSender));
    }

    [Fact]
    public async Task An_undeliverable_parcel_goes_back_to_the_sender_and_says_so()
    {
        var booked = await shop.BookedAsync("Test Undeliverable");

        await shop.AdvanceToAsync(booked, ShipmentStatus.PickedUp);
        await shop.AdvanceToAsync(booked, ShipmentStatus.InTransit);
        await shop.AdvanceToAsync(booked, ShipmentStatus.OutForDelivery);
        await shop.AdvanceToAsync(booked, ShipmentStatus.Exception);
        var returned = await shop.AdvanceToAsync(booked, ShipmentStatus.ReturnedToSender);
        var events = await shop.Events.WaitForAsync(booked.OrderId, found => found.OfType<ShipmentException>().Any(e => e.ReturnedToSender));

        Assert.Equal("Returned to sender: address not found", returned.Reason);
        Assert.Equal(["ShipmentCreated", "ShipmentShipped", "ShipmentException", "ShipmentException"], Names(events));
        Assert.Equal([false, true], events.OfType<ShipmentException>().Select(e => e.ReturnedToSender));
    }
}
