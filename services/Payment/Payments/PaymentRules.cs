using ECommerce.Contracts.Common.V1;
using ECommerce.Contracts.Payment.V1;
using ECommerce.Grpc;

namespace ECommerce.Payment.Payments;

/// <summary>The rules of payments that need no database or provider: valid input, money in minor units, what may follow what.</summary>
internal static class PaymentRules
{
    public const int MaxKeyLength = 200;
    public const int MaxIdLength = 100;
    public const long MaxAmountUnits = 1_000_000;
    private const int NanosPerCent = 10_000_000;

    public static void CheckKey(string key, string field, FieldViolations violations) =>
        violations.Check(!string.IsNullOrWhiteSpace(key) && key.Length <= MaxKeyLength, field, $"is required and at most {MaxKeyLength} characters");

    public static void CheckPaymentId(string paymentId, FieldViolations violations) =>
        violations.Check(Guid.TryParse(paymentId, out _), "payment_id", "must be a payment id (a UUID)");

    /// <summary>A token from the provider. A card number in its place is refused without being repeated anywhere.</summary>
    public static void CheckPaymentMethodToken(string token, FieldViolations violations)
    {
        var digits = token.Count(char.IsAsciiDigit);
        violations.Check(!(digits >= 12 && token.All(c => char.IsAsciiDigit(c) || c is ' ' or '-')), "payment_method_token",
                "must be the provider's payment-method token, never a card number")
            .Check(token.StartsWith("pm_", StringComparison.Ordinal) && token.Length <= MaxIdLength && token.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'),
                "payment_method_token", "must be a payment-method token (pm_…) from the provider");
    }

    public static void CheckAmount(Money? amount, string field, FieldViolations violations, bool required = true)
    {
        if (amount is null)
        {
            violations.Check(!required, field, "is required");
            return;
        }
        violations.Check(amount.CurrencyCode is { Length: 3 } code && code.All(char.IsAsciiLetterUpper), $"{field}.currency_code", "must be an ISO 4217 code, e.g. EUR")
            .Check(amount.Units > 0 || (amount.Units == 0 && amount.Nanos > 0), field, "must be more than zero")
            .Check(amount.Units <= MaxAmountUnits, field, $"must be at most {MaxAmountUnits:N0}")
            .Check(amount.Nanos is >= 0 and < 1_000_000_000 && amount.Nanos % NanosPerCent == 0, $"{field}.nanos", "must be whole cents (a multiple of 10,000,000)");
    }

    public static long ToMinor(Money amount) => amount.Units * 100 + amount.Nanos / NanosPerCent;

    public static Money ToMoney(long minor, string currency) => new()
    {
        CurrencyCode = currency,
        Units = minor / 100,
        Nanos = (int)(minor % 100) * NanosPerCent,
    };

    public static PaymentStatus Status(string stored) => stored switch
    {
        PaymentState.Pending => PaymentStatus.Pending,
        PaymentState.Authorized => PaymentStatus.Authorized,
        PaymentState.Captured => PaymentStatus.Captured,
        PaymentState.Declined => PaymentStatus.Declined,
        PaymentState.Failed => PaymentStatus.Failed,
        PaymentState.Voided => PaymentStatus.Voided,
        PaymentState.PartiallyRefunded => PaymentStatus.PartiallyRefunded,
        PaymentState.Refunded => PaymentStatus.Refunded,
        _ => PaymentStatus.Unspecified,
    };

    /// <summary>The provider's status words are the shop's: the sandbox and the ledger speak the same states.</summary>
    public static bool IsKnownProviderStatus(string status) => status is PaymentState.Authorized or PaymentState.Declined or PaymentState.Failed
        or PaymentState.Captured or PaymentState.Voided or PaymentState.PartiallyRefunded or PaymentState.Refunded;

    public static bool CanCapture(string status) => status == PaymentState.Authorized;

    public static bool CanVoid(string status) => status == PaymentState.Authorized;

    public static bool CanRefund(string status) => status is PaymentState.Captured or PaymentState.PartiallyRefunded;

    /// <summary>What is left to refund; a refund may take at most this.</summary>
    public static long Refundable(long capturedMinor, long refundedMinor) => capturedMinor - refundedMinor;
}

/// <summary>The stored states (payments.status and the ledger's status_after).</summary>
internal static class PaymentState
{
    public const string Pending = "pending";
    public const string Authorized = "authorized";
    public const string Captured = "captured";
    public const string Declined = "declined";
    public const string Failed = "failed";
    public const string Voided = "voided";
    public const string PartiallyRefunded = "partially_refunded";
    public const string Refunded = "refunded";
}
