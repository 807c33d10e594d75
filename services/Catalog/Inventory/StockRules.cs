namespace ECommerce.Catalog.Inventory;

/// <summary>The rules of stock that need no database: what a valid order line is, and when stock counts as low.</summary>
internal static class StockRules
{
    public const int MaxLinesPerOrder = 100;
    public const int MaxOrderIdLength = 100;

    /// <summary>
    /// An order's lines with one line per SKU (quantities of repeated SKUs added up), sorted by SKU:
    /// every reservation locks its rows in this one order, so two orders never wait for each other in a cycle.
    /// </summary>
    public static List<StockLine> Normalize(IEnumerable<StockLine> lines) =>
        lines.GroupBy(line => line.Sku, StringComparer.Ordinal)
            .Select(group => new StockLine { Sku = group.Key, Quantity = group.Sum(line => line.Quantity) })
            .OrderBy(line => line.Sku, StringComparer.Ordinal)
            .ToList();

    public static void CheckOrderId(string orderId, FieldViolations violations) =>
        violations.Check(!string.IsNullOrWhiteSpace(orderId), "order_id", "is required")
            .Check(orderId.Length <= MaxOrderIdLength, "order_id", $"must be at most {MaxOrderIdLength} characters");

    public static void CheckLines(IReadOnlyList<StockLine> lines, FieldViolations violations)
    {
        violations.Check(lines.Count > 0, "lines", "must have at least one line")
            .Check(lines.Count <= MaxLinesPerOrder, "lines", $"must have at most {MaxLinesPerOrder} lines");
        for (var i = 0; i < lines.Count; i++)
        {
            violations.Check(!string.IsNullOrWhiteSpace(lines[i].Sku), $"lines[{i}].sku", "is required")
                .Check(lines[i].Quantity is > 0 and <= 1_000_000, $"lines[{i}].quantity", "must be 1 to 1,000,000");
        }
    }

    /// <summary>Low stock is announced once, when a change takes available stock from above the threshold to at or below it.</summary>
    public static bool FellToLow(long availableBefore, long availableAfter, long threshold) =>
        availableBefore > threshold && availableAfter <= threshold;
}
