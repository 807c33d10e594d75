using ECommerce.Contracts.Payment.V1;
using Grpc.Core;
using static ECommerce.Payment.Tests.PaymentShop;

namespace ECommerce.Payment.Tests;

/// <summary>Who may call what: anonymous, another customer, the owner, an admin, a service without the scope, and Orders.</summary>
public sealed class AccessTests(PaymentTestEnvironment shop)
{
    [Fact]
    public async Task Each_caller_may_do_exactly_what_the_access_matrix_says()
    {
        var captured = await shop.AuthorizedAsync();
        await shop.Payments.CaptureAsync(new CaptureRequest { PaymentId = captured.PaymentId, IdempotencyKey = NewKey() }, shop.Orders);
        var callers = new Dictionary<string, Metadata?>
        {
            ["anonymous"] = null, ["other customer"] = shop.OtherCustomer, ["owner"] = shop.Customer,
            ["admin"] = shop.Admin, ["service without scope"] = shop.Shipping, ["orders"] = shop.Orders,
        };
        var rpcs = new Dictionary<string, Func<Metadata?, Task>>
        {
            ["Authorize"] = async as_ => await shop.Payments.AuthorizeAsync(await shop.Shop.AuthorizationRequestAsync(shop.CustomerId), as_),
            ["Capture"] = async as_ => await shop.Payments.CaptureAsync(new CaptureRequest { PaymentId = (await shop.AuthorizedAsync()).PaymentId, IdempotencyKey = NewKey() }, as_),
            ["Void"] = async as_ => await shop.Payments.VoidAsync(new VoidRequest { PaymentId = (await shop.AuthorizedAsync()).PaymentId, IdempotencyKey = NewKey() }, as_),
            ["Refund"] = async as_ => await shop.Payments.RefundAsync(new RefundRequest { PaymentId = captured.PaymentId, Amount = Euros(0, 10_000_000), IdempotencyKey = NewKey() }, as_),
            ["GetPayment"] = async as_ => await shop.Payments.GetPaymentAsync(new GetPaymentRequest { PaymentId = captured.PaymentId }, as_),
            ["ListPayments"] = async as_ => await shop.Payments.ListPaymentsAsync(new ListPaymentsRequest { OrderId = captured.OrderId }, as_),
        };
        string[] allowed =
        [
            "Authorize/orders", "Capture/orders", "Void/orders",
            "Refund/admin", "Refund/orders",
            "GetPayment/owner", "GetPayment/admin", "GetPayment/orders",
            "ListPayments/admin", "ListPayments/orders",
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
        Assert.Equal(PaymentService.Descriptor.Methods.Select(method => method.Name).Order(), rpcs.Keys.Order());
    }
}
