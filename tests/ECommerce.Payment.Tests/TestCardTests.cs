using ECommerce.Contracts.Payment.V1;
using static ECommerce.Payment.Tests.PaymentShop;

namespace ECommerce.Payment.Tests;

/// <summary>Every documented test card's outcome, through the service; and never a second authorization for one key.</summary>
public sealed class TestCardTests(PaymentTestEnvironment shop)
{
    [Theory]
    [InlineData("4242424242424242", PaymentStatus.Authorized, "", "visa", "4242")]
    [InlineData("5555555555554444", PaymentStatus.Authorized, "", "mastercard", "4444")]
    [InlineData("4000000000009995", PaymentStatus.Declined, "insufficient_funds", "visa", "9995")]
    [InlineData("4000000000009979", PaymentStatus.Declined, "stolen_card", "visa", "9979")]
    [InlineData("4000000000000069", PaymentStatus.Declined, "expired_card", "visa", "0069")]
    [InlineData("4000000000000127", PaymentStatus.Declined, "incorrect_cvc", "visa", "0127")]
    [InlineData("4000000000000119", PaymentStatus.Failed, "processing_error", "visa", "0119")]
    // The answer comes after the service's timeout: it looks the authorization up under its key.
    [InlineData("4000000000000077", PaymentStatus.Authorized, "", "visa", "0077")]
    // Approved, but the answer is lost: found under its key, not charged again.
    [InlineData("4000000000000101", PaymentStatus.Authorized, "", "visa", "0101")]
    public async Task Each_test_card_gives_its_documented_outcome_with_one_authorization_at_the_provider(string card, PaymentStatus status, string reason, string brand, string last4)
    {
        var request = await shop.Shop.AuthorizationRequestAsync(shop.CustomerId, card);

        var payment = (await shop.Payments.AuthorizeAsync(request, shop.Orders)).Payment;

        Assert.Equal((status, reason, brand, last4), (payment.Status, payment.DeclineReason, payment.CardBrand, payment.CardLast4));
        Assert.Single(await shop.Shop.Sandbox.AuthorizationsAsync(payment.PaymentId));
        var expectedEvent = status == PaymentStatus.Authorized ? "ecommerce.events.v1.PaymentAuthorized" : "ecommerce.events.v1.PaymentFailed";
        Assert.Equal(1L, await shop.Shop.QueryAsync<long>("SELECT count(*) FROM outbox_events WHERE event_key = $1 AND event_type = $2", request.OrderId, expectedEvent));
        Assert.Equal(2L, await shop.Shop.QueryAsync<long>("SELECT count(*) FROM payment_ledger WHERE payment_id = $1", Guid.Parse(payment.PaymentId)));
    }

    [Fact]
    public async Task Twenty_concurrent_Authorize_calls_with_one_key_give_one_payment_and_one_authorization_at_the_provider()
    {
        var request = await shop.Shop.AuthorizationRequestAsync(shop.CustomerId);

        var payments = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => shop.Payments.AuthorizeAsync(request, shop.Orders).ResponseAsync));

        Assert.Single(payments.Select(reply => reply.Payment.PaymentId).Distinct());
        Assert.All(payments, reply => Assert.Equal(PaymentStatus.Authorized, reply.Payment.Status));
        Assert.Single(await shop.Shop.Sandbox.AuthorizationsAsync(payments[0].Payment.PaymentId));
        Assert.Equal(1L, await shop.Shop.QueryAsync<long>("SELECT count(*) FROM outbox_events WHERE event_key = $1", request.OrderId));
    }

    [Fact]
    public async Task A_lost_answer_retried_by_the_caller_gives_no_second_charge()
    {
        var request = await shop.Shop.AuthorizationRequestAsync(shop.CustomerId, "4000000000000101");

        var first = (await shop.Payments.AuthorizeAsync(request, shop.Orders)).Payment;
        var retried = (await shop.Payments.AuthorizeAsync(request, shop.Orders)).Payment;

        Assert.Equal(first.PaymentId, retried.PaymentId);
        var atProvider = Assert.Single(await shop.Shop.Sandbox.AuthorizationsAsync(first.PaymentId));
        Assert.Equal(request.IdempotencyKey, atProvider.GetProperty("idempotency_key").GetString());
        Assert.Equal(1L, await shop.Shop.QueryAsync<long>("SELECT count(*) FROM payment_ledger WHERE payment_id = $1 AND status_after = 'authorized'", Guid.Parse(first.PaymentId)));
    }

    [Fact]
    public async Task The_same_key_with_other_parameters_is_refused_naming_the_key()
    {
        var request = await shop.Shop.AuthorizationRequestAsync(shop.CustomerId);
        await shop.Payments.AuthorizeAsync(request, shop.Orders);

        var error = await Assert.ThrowsAsync<global::Grpc.Core.RpcException>(() =>
            shop.Payments.AuthorizeAsync(new AuthorizeRequest(request) { Amount = Euros(101) }, shop.Orders).ResponseAsync);

        Assert.Equal(global::Grpc.Core.StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains("idempotency key", error.Status.Detail, StringComparison.OrdinalIgnoreCase);
    }
}
