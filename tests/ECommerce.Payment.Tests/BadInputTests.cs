using ECommerce.Contracts.Payment.V1;
using ECommerce.Testing;
using static ECommerce.Payment.Tests.PaymentShop;

namespace ECommerce.Payment.Tests;

/// <summary>Bad input on every RPC: INVALID_ARGUMENT naming each bad field.</summary>
public sealed class BadInputTests(PaymentTestEnvironment shop)
{
    public static TheoryData<string, string[]> Cases => new()
    {
        { "Authorize", ["idempotency_key", "order_id", "user_id", "amount.currency_code", "amount.nanos", "payment_method_token"] },
        { "AuthorizeWithCardNumber", ["payment_method_token"] },
        { "AuthorizeWithoutAmount", ["amount"] },
        { "Capture", ["payment_id", "idempotency_key", "amount"] },
        { "Void", ["payment_id", "idempotency_key"] },
        { "Refund", ["payment_id", "amount.currency_code", "idempotency_key", "reason"] },
        { "GetPayment", ["payment_id"] },
        { "ListPayments", ["order_id"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_input_is_invalid_argument_naming_the_fields(string rpc, string[] fields)
    {
        var (payments, orders) = (shop.Payments, shop.Orders);
        Func<Task> call = rpc switch
        {
            "Authorize" => () => payments.AuthorizeAsync(new AuthorizeRequest
            {
                IdempotencyKey = "", OrderId = " ", UserId = new string('u', 101),
                Amount = new() { CurrencyCode = "eur", Units = 1, Nanos = 5 }, PaymentMethodToken = "tok_1",
            }, orders).ResponseAsync,
            "AuthorizeWithCardNumber" => () => payments.AuthorizeAsync(new AuthorizeRequest
            {
                IdempotencyKey = NewKey(), OrderId = "o-1", UserId = shop.CustomerId, Amount = Euros(1), PaymentMethodToken = ApprovedCard,
            }, orders).ResponseAsync,
            "AuthorizeWithoutAmount" => () => payments.AuthorizeAsync(new AuthorizeRequest
            {
                IdempotencyKey = NewKey(), OrderId = "o-1", UserId = shop.CustomerId, PaymentMethodToken = "pm_abc",
            }, orders).ResponseAsync,
            "Capture" => () => payments.CaptureAsync(new CaptureRequest { PaymentId = "p-1", Amount = Euros(-1) }, orders).ResponseAsync,
            "Void" => () => payments.VoidAsync(new VoidRequest { PaymentId = "" }, orders).ResponseAsync,
            "Refund" => () => payments.RefundAsync(new RefundRequest
            {
                PaymentId = "x", Amount = new() { CurrencyCode = "EURO", Units = 1 }, Reason = new string('r', 201),
            }, orders).ResponseAsync,
            "GetPayment" => () => payments.GetPaymentAsync(new GetPaymentRequest { PaymentId = "not-a-uuid" }, orders).ResponseAsync,
            "ListPayments" => () => payments.ListPaymentsAsync(new ListPaymentsRequest(), orders).ResponseAsync,
            _ => throw new ArgumentOutOfRangeException(nameof(rpc)),
        };

        await GrpcAssert.InvalidArgumentNamingAsync(call, fields);
    }

    [Fact]
    public async Task A_card_number_where_a_token_belongs_is_refused_without_being_repeated()
    {
        var error = await Assert.ThrowsAsync<global::Grpc.Core.RpcException>(() => shop.Payments.AuthorizeAsync(new AuthorizeRequest
        {
            IdempotencyKey = NewKey(), OrderId = "o-2", UserId = shop.CustomerId, Amount = Euros(1), PaymentMethodToken = "4000 0000 0000 9995",
        }, shop.Orders).ResponseAsync);

        Assert.Contains("never a card number", error.Status.Detail);
        Assert.DoesNotContain("9995", error.Status.Detail);
    }
}
