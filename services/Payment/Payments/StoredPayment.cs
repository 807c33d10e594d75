using ECommerce.Contracts.Payment.V1;
using Google.Protobuf.WellKnownTypes;
using Npgsql;

namespace ECommerce.Payment.Payments;

/// <summary>A payments row. Amounts in minor units.</summary>
internal sealed record StoredPayment(
    Guid PaymentId, string IdempotencyKey, string Fingerprint, string OrderId, string UserId, string Currency,
    long Amount, long Captured, long Refunded, string Status, string? ProviderRef,
    string CardBrand, string CardLast4, string DeclineReason, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public const string Columns = """
        payment_id, idempotency_key, request_fingerprint, order_id, user_id, currency, amount_minor, captured_minor, refunded_minor,
        status, provider_ref, card_brand, card_last4, decline_reason, created_at, updated_at
        """;

    public static StoredPayment Read(NpgsqlDataReader reader) => new(
        reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
        reader.GetInt64(6), reader.GetInt64(7), reader.GetInt64(8), reader.GetString(9), reader.IsDBNull(10) ? null : reader.GetString(10),
        reader.GetString(11), reader.GetString(12), reader.GetString(13), reader.GetFieldValue<DateTimeOffset>(14), reader.GetFieldValue<DateTimeOffset>(15));

    public Contracts.Payment.V1.Payment ToContract() => new()
    {
        PaymentId = PaymentId.ToString(),
        OrderId = OrderId,
        UserId = UserId,
        Status = PaymentRules.Status(Status),
        Amount = PaymentRules.ToMoney(Amount, Currency),
        Captured = PaymentRules.ToMoney(Captured, Currency),
        Refunded = PaymentRules.ToMoney(Refunded, Currency),
        CardBrand = CardBrand,
        CardLast4 = CardLast4,
        DeclineReason = DeclineReason,
        CreatedAt = Timestamp.FromDateTimeOffset(CreatedAt),
        UpdatedAt = Timestamp.FromDateTimeOffset(UpdatedAt),
    };
}

internal sealed record AuthorizeCommand(string IdempotencyKey, string OrderId, string UserId, long Amount, string Currency, string PaymentMethodToken)
{
    /// <summary>What "the same parameters" means for a repeated key.</summary>
    public string Fingerprint => $"{OrderId}|{UserId}|{Amount}|{Currency}|{PaymentMethodToken}";
}

internal abstract record PaymentOutcome
{
    public sealed record Done(StoredPayment Payment) : PaymentOutcome;

    /// <summary>The provider did not answer and has no record yet, or did not answer again: retry with the same key.</summary>
    public sealed record Unknown(StoredPayment Payment, string Reason) : PaymentOutcome;

    public sealed record KeyReused : PaymentOutcome;

    public sealed record NotFound : PaymentOutcome;

    public sealed record WrongState(StoredPayment Payment, string Operation) : PaymentOutcome;

    public sealed record TooMuch(StoredPayment Payment, long Limit, string Operation) : PaymentOutcome;
}
