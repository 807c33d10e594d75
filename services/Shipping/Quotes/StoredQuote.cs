using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace ECommerce.Shipping.Quotes;

/// <summary>A quotes row.</summary>
internal sealed record StoredQuote(
    Guid QuoteId, string UserId, ShippingOption Option, string Currency, decimal Price, Address Address, IReadOnlyList<ShippingItem> Items,
    long WeightGrams, string Zone, DateOnly EstimatedDelivery, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt)
{
    public const string Columns = "quote_id, user_id, option, currency, price, address, skus, quantities, weight_grams, zone, estimated_delivery, created_at, expires_at";

    public static StoredQuote Read(NpgsqlDataReader reader) => new(
        reader.GetGuid(0), reader.GetString(1), QuoteRules.OptionOf(reader.GetString(2)), reader.GetString(3), reader.GetDecimal(4),
        JsonParser.Default.Parse<Address>(reader.GetString(5)), ItemsOf(reader.GetFieldValue<string[]>(6), reader.GetFieldValue<long[]>(7)),
        reader.GetInt64(8), reader.GetString(9), reader.GetFieldValue<DateOnly>(10), reader.GetFieldValue<DateTimeOffset>(11), reader.GetFieldValue<DateTimeOffset>(12));

    public static List<ShippingItem> ItemsOf(string[] skus, long[] quantities) =>
        skus.Zip(quantities, (sku, quantity) => new ShippingItem { Sku = sku, Quantity = quantity }).ToList();

    public bool IsExpired(DateTimeOffset now) => now >= ExpiresAt;

    public Quote ToContract() => new()
    {
        QuoteId = QuoteId.ToString(),
        Option = Option,
        Price = Money.FromDecimal(Currency, Price),
        EstimatedDelivery = Timestamp.FromDateTime(EstimatedDelivery.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc)),
        ExpiresAt = Timestamp.FromDateTimeOffset(ExpiresAt),
        UserId = UserId,
        Address = Address,
        Items = { Items },
        WeightGrams = WeightGrams,
    };
}

internal abstract record QuoteOutcome
{
    public sealed record Quoted(IReadOnlyList<StoredQuote> Quotes) : QuoteOutcome;

    /// <summary>Items the catalog does not sell (unknown or discontinued), by their index in the request.</summary>
    public sealed record NotSold(IReadOnlyList<int> Indexes) : QuoteOutcome;

    public sealed record TooHeavy(long WeightGrams, long MaxGrams) : QuoteOutcome;
}
