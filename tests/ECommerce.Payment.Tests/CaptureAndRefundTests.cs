using ECommerce.Contracts.Payment.V1;
using Grpc.Core;
using static ECommerce.Payment.Tests.PaymentShop;

namespace ECommerce.Payment.Tests;

/// <summary>Capture, void and refunds, with their limits; every call idempotent by its key.</summary>
public sealed class CaptureAndRefundTests(PaymentTestEnvironment shop)
{
    [Fact]
    public async Task Several_partial_refunds_add_up_to_the_captured_amount_and_no_further()
    {
        var payment = await shop.AuthorizedAsync(Euros(100));
        var captured = (await shop.Payments.CaptureAsync(new CaptureRequest { PaymentId = payment.PaymentId, Amount = Euros(80), IdempotencyKey = NewKey() }, shop.Orders)).Payment;
        RefundRequest Refund(long euros) => new() { PaymentId = payment.PaymentId, Amount = Euros(euros), Reason = "returned", IdempotencyKey = NewKey() };

        var first = Refund(30);
        await shop.Payments.RefundAsync(first, shop.Orders);
        var replayed = (await shop.Payments.RefundAsync(first, shop.Orders)).Payment;
        var second = (await shop.Payments.RefundAsync(Refund(40), shop.Admin)).Payment;
        var tooMuch = await Assert.ThrowsAsync<RpcException>(() => shop.Payments.RefundAsync(Refund(11), shop.Orders).ResponseAsync);
        var last = (await shop.Payments.RefundAsync(Refund(10), shop.Orders)).Payment;
        var afterAll = await Assert.ThrowsAsync<RpcException>(() => shop.Payments.RefundAsync(Refund(1), shop.Orders).ResponseAsync);

        Assert.Equal((PaymentStatus.Captured, 80L), (captured.Status, captured.Captured.Units));
        Assert.Equal((PaymentStatus.PartiallyRefunded, 30L), (replayed.Status, replayed.Refunded.Units));
        Assert.Equal(70L, second.Refunded.Units);
        Assert.Equal(StatusCode.FailedPrecondition, tooMuch.StatusCode);
        Assert.Contains("10.00 EUR", tooMuch.Status.Detail);
        Assert.Equal((PaymentStatus.Refunded, 80L), (last.Status, last.Refunded.Units));
        Assert.Equal(StatusCode.FailedPrecondition, afterAll.StatusCode);
        var atProvider = await shop.Shop.Sandbox.AuthorizationAsync((await ProviderRefAsync(payment.PaymentId)));
        Assert.Equal((8000L, 8000L, 3), (atProvider.GetProperty("amount_captured").GetInt64(), atProvider.GetProperty("amount_refunded").GetInt64(), atProvider.GetProperty("refunds").GetArrayLength()));
        Assert.Equal(3L, await shop.Shop.QueryAsync<long>("SELECT count(*) FROM payment_ledger WHERE payment_id = $1 AND entry = 'refund'", Guid.Parse(payment.PaymentId)));
    }

    [Fact]
    public async Task A_void_releases_an_authorization_once_and_then_nothing_can_be_captured()
    {
        var payment = await shop.AuthorizedAsync();
        var key = NewKey();

        var voided = (await shop.Payments.VoidAsync(new VoidRequest { PaymentId = payment.PaymentId, IdempotencyKey = key }, shop.Orders)).Payment;
        var again = (await shop.Payments.VoidAsync(new VoidRequest { PaymentId = payment.PaymentId, IdempotencyKey = key }, shop.Orders)).Payment;
        var capture = await Assert.ThrowsAsync<RpcException>(() =>
            shop.Payments.CaptureAsync(new CaptureRequest { PaymentId = payment.PaymentId, IdempotencyKey = NewKey() }, shop.Orders).ResponseAsync);

        Assert.Equal((PaymentStatus.Voided, PaymentStatus.Voided), (voided.Status, again.Status));
        Assert.Equal(StatusCode.FailedPrecondition, capture.StatusCode);
        Assert.Equal("voided", (await shop.Shop.Sandbox.AuthorizationAsync(await ProviderRefAsync(payment.PaymentId))).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Capturing_more_than_was_authorized_is_refused()
    {
        var payment = await shop.AuthorizedAsync(Euros(50));

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            shop.Payments.CaptureAsync(new CaptureRequest { PaymentId = payment.PaymentId, Amount = Euros(51), IdempotencyKey = NewKey() }, shop.Orders).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
    }

    private Task<string> ProviderRefAsync(string paymentId) =>
        shop.Shop.QueryAsync<string>("SELECT provider_ref FROM payments WHERE payment_id = $1", Guid.Parse(paymentId));
}
