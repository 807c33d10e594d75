using ECommerce.Orders.Benchmarks;
using Npgsql;

namespace ECommerce.Load;

/// <summary>
/// Where a checkout's time goes, from Orders' own records of the orders placed since a moment: each saga step from its
/// start to its end (the participant's call, as Orders waited for it), and Orders' own time around them (from the order's
/// creation to its confirmation, less the steps: recording each step, reloading the order, taking a turn).
/// </summary>
internal sealed record CheckoutBreakdown(int Orders, IReadOnlyList<(string Part, double P50Ms, double P90Ms)> Parts)
{
    /// <summary>The order row's creation to its confirmation; the steps; Orders' own time in between.</summary>
    private const string Query = """
        WITH placed AS (
            SELECT o.id, o.created_at,
                   (SELECT min(e.occurred_at) FROM order_events e WHERE e.order_id = o.id AND e.status = 'paid') AS paid_at
            FROM orders o WHERE o.created_at >= $1),
        steps AS (
            SELECT s.order_id, s.step, extract(epoch FROM s.finished_at - s.started_at) * 1000 AS ms
            FROM saga_steps s JOIN placed p ON p.id = s.order_id WHERE s.finished_at IS NOT NULL),
        parts AS (
            SELECT step AS part, ms FROM steps
            UNION ALL
            SELECT 'orders itself (recording, reloading)', extract(epoch FROM p.paid_at - p.created_at) * 1000 - coalesce(sum(s.ms), 0)
            FROM placed p LEFT JOIN steps s ON s.order_id = p.id WHERE p.paid_at IS NOT NULL GROUP BY p.id, p.paid_at, p.created_at
            UNION ALL
            SELECT 'created → paid', extract(epoch FROM p.paid_at - p.created_at) * 1000 FROM placed p WHERE p.paid_at IS NOT NULL)
        SELECT part, count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY ms), percentile_cont(0.9) WITHIN GROUP (ORDER BY ms)
        FROM parts GROUP BY part ORDER BY min(CASE part WHEN 'reserve' THEN 1 WHEN 'authorize' THEN 2 WHEN 'ship' THEN 3
            WHEN 'capture' THEN 4 WHEN 'commit' THEN 5 WHEN 'created → paid' THEN 7 ELSE 6 END)
        """;

    public static async Task<CheckoutBreakdown> ReadAsync(RunningShop shop, DateTimeOffset since)
    {
        await using var orders = shop.Database("orders");
        await orders.OpenAsync();
        await using var command = new NpgsqlCommand(Query, orders) { Parameters = { new() { Value = since.UtcDateTime } } };
        await using var reader = await command.ExecuteReaderAsync();
        var parts = new List<(string, double, double)>();
        var count = 0;
        while (await reader.ReadAsync())
        {
            var part = reader.GetString(0);
            if (part == "created → paid")
            {
                count = (int)reader.GetInt64(1);
            }
            parts.Add((part, reader.GetDouble(2), reader.GetDouble(3)));
        }
        return new CheckoutBreakdown(count, parts);
    }

    public void Write(Report report)
    {
        report.Line($"Where a checkout's time went in Orders ({Orders} orders paid; from Orders' records of each saga step, started to finished):");
        report.Line();
        report.Line("| part | p50 ms | p90 ms |");
        report.Line("|---|---:|---:|");
        foreach (var (part, p50, p90) in Parts)
        {
            report.Line($"| {part} | {Report.Ms(p50)} | {Report.Ms(p90)} |");
        }
    }
}
