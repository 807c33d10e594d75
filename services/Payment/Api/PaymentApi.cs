using System.Security.Claims;
using ECommerce.Contracts.Payment.V1;
using ECommerce.Grpc;
using ECommerce.Payment.Payments;
using ECommerce.ServiceDefaults.Authentication;
using Google.Rpc;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using GrpcStatus = Grpc.Core.Status;

namespace ECommerce.Payment.Api;

/// <summary>
/// The ecommerce.payment.v1.PaymentService contract: validates, calls <see cref="PaymentKeeper"/>, maps its outcomes to statuses.
/// Authorize, Capture and Void only for a service with the payments scope (Orders); Refund for it or an admin;
/// a payment is read by its owner, an admin or that service.
/// </summary>
internal sealed class PaymentApi(PaymentKeeper payments) : PaymentService.PaymentServiceBase
{
    [RequireScope(ServiceScopes.Payments)]
    public override async Task<AuthorizeResponse> Authorize(AuthorizeRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations();
        PaymentRules.CheckKey(request.IdempotencyKey, "idempotency_key", violations);
        violations.Check(!string.IsNullOrWhiteSpace(request.OrderId) && request.OrderId.Length <= PaymentRules.MaxIdLength, "order_id", "is required and at most 100 characters")
            .Check(!string.IsNullOrWhiteSpace(request.UserId) && request.UserId.Length <= PaymentRules.MaxIdLength, "user_id", "is required and at most 100 characters");
        PaymentRules.CheckAmount(request.Amount, "amount", violations);
        PaymentRules.CheckPaymentMethodToken(request.PaymentMethodToken, violations);
        violations.ThrowIfAny();

        var command = new AuthorizeCommand(request.IdempotencyKey, request.OrderId, request.UserId, PaymentRules.ToMinor(request.Amount),
            request.Amount.CurrencyCode, request.PaymentMethodToken);
        return new AuthorizeResponse { Payment = Map(await payments.AuthorizeAsync(command, Actor(context), context.CancellationToken), request.IdempotencyKey) };
    }

    [RequireScope(ServiceScopes.Payments)]
    public override async Task<CaptureResponse> Capture(CaptureRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations();
        PaymentRules.CheckPaymentId(request.PaymentId, violations);
        PaymentRules.CheckAmount(request.Amount, "amount", violations, required: false);
        PaymentRules.CheckKey(request.IdempotencyKey, "idempotency_key", violations);
        violations.ThrowIfAny();
        var paymentId = Guid.Parse(request.PaymentId);
        await CheckCurrencyAsync(paymentId, request.Amount, context);
        var outcome = await payments.CaptureAsync(paymentId, request.Amount is null ? null : PaymentRules.ToMinor(request.Amount), request.IdempotencyKey,
            Actor(context), context.CancellationToken);
        return new CaptureResponse { Payment = Map(outcome, request.IdempotencyKey) };
    }

    [RequireScope(ServiceScopes.Payments)]
    public override async Task<VoidResponse> Void(VoidRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations();
        PaymentRules.CheckPaymentId(request.PaymentId, violations);
        PaymentRules.CheckKey(request.IdempotencyKey, "idempotency_key", violations);
        violations.ThrowIfAny();
        var outcome = await payments.VoidAsync(Guid.Parse(request.PaymentId), request.IdempotencyKey, Actor(context), context.CancellationToken);
        return new VoidResponse { Payment = Map(outcome, request.IdempotencyKey) };
    }

    [RequireScope(ServiceScopes.Payments, OrRole = AccessTokens.AdminRole)]
    public override async Task<RefundResponse> Refund(RefundRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations();
        PaymentRules.CheckPaymentId(request.PaymentId, violations);
        PaymentRules.CheckAmount(request.Amount, "amount", violations, required: false);
        PaymentRules.CheckKey(request.IdempotencyKey, "idempotency_key", violations);
        violations.Check(request.Reason.Length <= 200, "reason", "must be at most 200 characters");
        violations.ThrowIfAny();
        var paymentId = Guid.Parse(request.PaymentId);
        await CheckCurrencyAsync(paymentId, request.Amount, context);
        var outcome = await payments.RefundAsync(paymentId, request.Amount is null ? null : PaymentRules.ToMinor(request.Amount), request.Reason,
            request.IdempotencyKey, Actor(context), context.CancellationToken);
        return new RefundResponse { Payment = Map(outcome, request.IdempotencyKey) };
    }

    [Authorize]
    public override async Task<GetPaymentResponse> GetPayment(GetPaymentRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations();
        PaymentRules.CheckPaymentId(request.PaymentId, violations);
        violations.ThrowIfAny();
        var payment = await payments.GetAsync(Guid.Parse(request.PaymentId), context.CancellationToken) ?? throw NotFound(request.PaymentId);
        var caller = context.GetHttpContext().User;
        if (payment.UserId != caller.FindFirst(AccessTokens.SubjectClaim)?.Value && !caller.IsInRole(AccessTokens.AdminRole) && !caller.HasScope(ServiceScopes.Payments))
        {
            throw new RpcException(new GrpcStatus(StatusCode.PermissionDenied, "You may only read your own payments."));
        }
        return new GetPaymentResponse { Payment = payment.ToContract() };
    }

    [RequireScope(ServiceScopes.Payments, OrRole = AccessTokens.AdminRole)]
    public override async Task<ListPaymentsResponse> ListPayments(ListPaymentsRequest request, ServerCallContext context)
    {
        new FieldViolations()
            .Check(!string.IsNullOrWhiteSpace(request.OrderId) && request.OrderId.Length <= PaymentRules.MaxIdLength, "order_id", "is required and at most 100 characters")
            .ThrowIfAny();
        var found = await payments.ListAsync(request.OrderId, null, context.CancellationToken);
        return new ListPaymentsResponse { Payments = { found.Select(payment => payment.ToContract()) } };
    }

    /// <summary>Who asked, for the ledger: "service:orders" or a user id.</summary>
    private static string Actor(ServerCallContext context) => context.GetHttpContext().User.FindFirstValue(AccessTokens.SubjectClaim) ?? "";

    private async Task CheckCurrencyAsync(Guid paymentId, Contracts.Common.V1.Money? amount, ServerCallContext context)
    {
        if (amount is not null && await payments.GetAsync(paymentId, context.CancellationToken) is { } payment && payment.Currency != amount.CurrencyCode)
        {
            throw new FieldViolations().Add("amount.currency_code", $"must be the payment's currency, {payment.Currency}").ToException();
        }
    }

    private static Contracts.Payment.V1.Payment Map(PaymentOutcome outcome, string key) => outcome switch
    {
        PaymentOutcome.Done done => done.Payment.ToContract(),
        PaymentOutcome.Unknown unknown => throw new RpcException(new GrpcStatus(StatusCode.Unavailable, unknown.Reason)),
        PaymentOutcome.KeyReused => throw GrpcErrors.WithDetails(StatusCode.FailedPrecondition,
            $"Idempotency key {key} was already used with other parameters; a new payment needs a new key.",
            new PreconditionFailure { Violations = { new PreconditionFailure.Types.Violation { Type = "IDEMPOTENCY_KEY_REUSED", Subject = "idempotency_key", Description = key } } }),
        PaymentOutcome.NotFound => throw new RpcException(new GrpcStatus(StatusCode.NotFound, "No such payment.")),
        PaymentOutcome.WrongState wrong => throw GrpcErrors.WithDetails(StatusCode.FailedPrecondition,
            $"Payment {wrong.Payment.PaymentId} is {wrong.Payment.Status}; it cannot be {wrong.Operation}.",
            new PreconditionFailure { Violations = { new PreconditionFailure.Types.Violation { Type = "PAYMENT_STATE", Subject = $"payments/{wrong.Payment.PaymentId}", Description = wrong.Payment.Status } } }),
        PaymentOutcome.TooMuch tooMuch => throw GrpcErrors.WithDetails(StatusCode.FailedPrecondition,
            $"The {tooMuch.Operation} exceeds what payment {tooMuch.Payment.PaymentId} allows: at most {tooMuch.Limit / 100m:0.00} {tooMuch.Payment.Currency}.",
            new PreconditionFailure { Violations = { new PreconditionFailure.Types.Violation { Type = "AMOUNT_TOO_LARGE", Subject = "amount", Description = $"at most {tooMuch.Limit} minor units" } } }),
        _ => throw new InvalidOperationException("Unknown payment outcome."),
    };

    private static RpcException NotFound(string paymentId) => new(new GrpcStatus(StatusCode.NotFound, $"Payment {paymentId} does not exist."));
}
