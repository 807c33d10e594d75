using ECommerce.Contracts.Orders.V1;
using ECommerce.Grpc;
using ECommerce.Orders.Orders;

namespace ECommerce.Orders.Tests;

/// <summary>The state machine and the request rules, as plain functions.</summary>
public sealed class OrderRuleTests
{
    [Theory]
    [InlineData(OrderStatus.Pending, OrderStatus.AwaitingPayment)]
    [InlineData(OrderStatus.Pending, OrderStatus.Failed)]
    [InlineData(OrderStatus.AwaitingPayment, OrderStatus.Paid)]
    [InlineData(OrderStatus.Paid, OrderStatus.Fulfilling)]
    [InlineData(OrderStatus.Fulfilling, OrderStatus.Shipped)]
    [InlineData(OrderStatus.Shipped, OrderStatus.Delivered)]
    [InlineData(OrderStatus.Paid, OrderStatus.Cancelled)]
    [InlineData(OrderStatus.Delivered, OrderStatus.Refunded)]
    public void Legal_transitions_are_allowed(OrderStatus from, OrderStatus to) => Assert.True(OrderRules.CanMove(from, to));

    [Theory]
    [InlineData(OrderStatus.Pending, OrderStatus.Paid)]
    [InlineData(OrderStatus.AwaitingPayment, OrderStatus.Cancelled)]
    [InlineData(OrderStatus.Shipped, OrderStatus.Cancelled)]
    [InlineData(OrderStatus.Delivered, OrderStatus.Shipped)]
    [InlineData(OrderStatus.Failed, OrderStatus.Paid)]
    [InlineData(OrderStatus.Cancelled, OrderStatus.Refunded)]
    [InlineData(OrderStatus.Refunded, OrderStatus.Paid)]
    [InlineData(OrderStatus.Paid, OrderStatus.Failed)]
    public void Illegal_transitions_are_refused(OrderStatus from, OrderStatus to) => Assert.False(OrderRules.CanMove(from, to));

    [Fact]
    public void Every_status_is_stored_by_a_name_that_reads_back()
    {
        Assert.All(OrderRules.AllStatuses, status => Assert.Equal(status, OrderRules.Parse(OrderRules.Name(status))));
    }

    [Fact]
    public void Final_states_lead_nowhere()
    {
        foreach (var final in new[] { OrderStatus.Failed, OrderStatus.Cancelled, OrderStatus.Refunded })
        {
            Assert.All(OrderRules.AllStatuses, to => Assert.False(OrderRules.CanMove(final, to)));
        }
    }

    [Fact]
    public void The_fingerprint_ignores_the_key_and_the_default_cart_but_not_the_body()
    {
        var request = new PlaceOrderRequest { IdempotencyKey = "a", PaymentMethodToken = "pm_1", ShippingAddress = new() { Line1 = "1 Way" } };
        var sameOtherKey = request.Clone();
        sameOtherKey.IdempotencyKey = "b";
        sameOtherKey.CartId = "me";
        var otherBody = request.Clone();
        otherBody.PaymentMethodToken = "pm_2";

        Assert.Equal(OrderRules.Fingerprint(request), OrderRules.Fingerprint(sameOtherKey));
        Assert.NotEqual(OrderRules.Fingerprint(request), OrderRules.Fingerprint(otherBody));
    }

    [Theory]
    [InlineData(100, 0, null, 100)]
    [InlineData(100, 40, null, 60)]
    [InlineData(100, 40, 60, 60)]
    [InlineData(100, 40, 61, null)]
    [InlineData(100, 100, null, null)]
    [InlineData(100, 0, 0, null)]
    public void A_refund_never_exceeds_what_is_left(int total, int refunded, int? requested, int? expected) =>
        Assert.Equal((decimal?)expected, OrderRules.RefundAmount(total, refunded, requested));

    [Fact]
    public void Quote_id_is_required_only_with_the_shipping_step()
    {
        var request = new PlaceOrderRequest { IdempotencyKey = "k", PaymentMethodToken = "pm_1", ShippingAddress = new()
        {
            RecipientName = "A", Line1 = "1 Way", City = "Berlin", PostalCode = "10115", CountryCode = "DE",
        } };
        var without = new FieldViolations();
        OrderRules.CheckPlaceOrder(request, shippingEnabled: false, without);
        var with = new FieldViolations();
        OrderRules.CheckPlaceOrder(request, shippingEnabled: true, with);

        Assert.True(without.IsEmpty);
        Assert.False(with.IsEmpty);
    }
}
