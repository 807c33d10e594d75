using ECommerce.Contracts.Events.V1;
using ECommerce.Contracts.Shipping.V1;
using Grpc.Core;

namespace ECommerce.Shipping.Tests;

/// <summary>Returns: a label for a delivered shipment within the window, and ReturnReceived (Orders refunds on it) once the carrier brings it back.</summary>
public sealed class ReturnTests(ShippingTestEnvironment shop)
{
    [Fact]
    public async Task A_return_of_a_delivered_shipment_gets_a_label_once_and_ends_in_ReturnReceived()
    {
        var delivered = await DeliveredAsync(shop.Shop);
        var request = new CreateReturnRequest { ShipmentId = delivered.ShipmentId, Reason = "too small" };

        var issued = (await shop.Shipping.CreateReturnAsync(request, shop.Customer)).Shipment;
        var again = (await shop.Shipping.CreateReturnAsync(request, shop.Customer)).Shipment;
        await shop.Shop.Carrier.AdvanceAsync(delivered.ShipmentId);
        await shop.EventuallyAsync(delivered.ShipmentId, current => current.Return.Status == ReturnStatus.InTransit);
        await shop.Shop.Carrier.AdvanceAsync(delivered.ShipmentId);
        var received = await shop.EventuallyAsync(delivered.ShipmentId, current => current.Return.Status == ReturnStatus.Received);
        var events = await shop.Events.WaitForAsync(delivered.OrderId, found => found.Any(e => e is ReturnReceived));

        Assert.Equal(ReturnStatus.LabelIssued, issued.Return.Status);
        Assert.Contains(issued.Return.TrackingNumber, issued.Return.Label.ToStringUtf8());
        Assert.NotEqual(delivered.TrackingNumber, issued.Return.TrackingNumber);
        Assert.Equal(issued.Return.TrackingNumber, again.Return.TrackingNumber);
        Assert.Equal(ShipmentStatus.Delivered, received.Status);
        Assert.NotNull(received.Return.ReceivedAt);
        var returnReceived = Assert.IsType<ReturnReceived>(events[^1]);
        Assert.Equal((delivered.ShipmentId, delivered.OrderId, shop.CustomerId), (returnReceived.ShipmentId, returnReceived.OrderId, returnReceived.UserId));
        Assert.Single(events.OfType<ReturnReceived>());
    }

    [Fact]
    public async Task A_shipment_not_yet_delivered_cannot_be_returned()
    {
        var booked = await shop.BookedAsync();
        await shop.AdvanceToAsync(booked, ShipmentStatus.PickedUp);

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            shop.Shipping.CreateReturnAsync(new CreateReturnRequest { ShipmentId = booked.ShipmentId }, shop.Customer).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains("picked_up", error.Status.Detail);
    }

    internal async Task<Shipment> DeliveredAsync(ShippingShop on)
    {
        var booked = await shop.BookedAsync(shop: on);
        foreach (var status in new[] { ShipmentStatus.PickedUp, ShipmentStatus.InTransit, ShipmentStatus.OutForDelivery, ShipmentStatus.Delivered })
        {
            booked = await shop.AdvanceToAsync(booked, status, on);
        }
        return booked;
    }
}
