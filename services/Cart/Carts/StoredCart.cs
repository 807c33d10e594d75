using ECommerce.Contracts.Common.V1;
using StackExchange.Redis;

namespace ECommerce.Cart.Carts;

/// <summary>A cart as Redis holds it: one hash per cart (the layout is in <see cref="CartScripts"/>).</summary>
internal sealed record StoredCart(
    IReadOnlyList<StoredLine> Lines,
    IReadOnlyList<StoredLine> Saved,
    string? Currency,
    DateTimeOffset? UpdatedAt)
{
    public static readonly StoredCart Empty = new([], [], null, null);

    public IEnumerable<string> Skus => Lines.Select(line => line.Sku).Concat(Saved.Select(line => line.Sku));

    /// <summary>Reads HGETALL's flat field/value list.</summary>
    public static StoredCart Parse(RedisResult[] fieldsAndValues)
    {
        var fields = new Dictionary<string, string>(fieldsAndValues.Length / 2, StringComparer.Ordinal);
        for (var i = 0; i + 1 < fieldsAndValues.Length; i += 2)
        {
            fields[(string)fieldsAndValues[i]!] = (string)fieldsAndValues[i + 1]!;
        }
        var lines = new List<StoredLine>();
        var saved = new List<StoredLine>();
        foreach (var (field, value) in fields)
        {
            if (field.StartsWith("q:", StringComparison.Ordinal))
            {
                var sku = field[2..];
                // m:<sku> = "<sequence> <currency> <units> <nanos>": the order of adding and the price when the quantity was set.
                var meta = fields.GetValueOrDefault("m:" + sku, "0").Split(' ');
                var price = meta.Length == 4
                    ? new Money { CurrencyCode = meta[1], Units = long.Parse(meta[2]), Nanos = int.Parse(meta[3]) }
                    : null;
                lines.Add(new StoredLine(sku, long.Parse(value), long.Parse(meta[0]), price));
            }
            else if (field.StartsWith("s:", StringComparison.Ordinal))
            {
                // s:<sku> = "<quantity> <sequence>"
                var parts = value.Split(' ');
                saved.Add(new StoredLine(field[2..], long.Parse(parts[0]), long.Parse(parts[1]), PriceWhenSet: null));
            }
        }
        return new StoredCart(
            [.. lines.OrderBy(line => line.Sequence)],
            [.. saved.OrderBy(line => line.Sequence)],
            fields.GetValueOrDefault("cur"),
            fields.TryGetValue("updated", out var updated) ? DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(updated)) : null);
    }
}

/// <param name="Sequence">When it was added, relative to the cart's other lines.</param>
/// <param name="PriceWhenSet">The effective price when the quantity was last set (cart lines only).</param>
internal sealed record StoredLine(string Sku, long Quantity, long Sequence, Money? PriceWhenSet);
