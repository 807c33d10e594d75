using System.Diagnostics;
using System.Text.Json;
using Confluent.Kafka;
using ECommerce.Contracts.Events;
using ECommerce.Orders.Benchmarks;
using Npgsql;

namespace ECommerce.Load;

/// <summary>One promise of the shop, checked from the databases and the provider's records after a run: its figure and whether it held.</summary>
internal sealed record Invariant(string Name, string Figure, bool Held);

/// <summary>
/// What must be true of the shop whatever failed during a run, read from where the truth lives: every service's own database
/// and the payment provider's records (the customer's bank statement), never from what the load generator was told.
/// </summary>
/// <param name="kafka">The bootstrap servers, to know where the logs topic ends.</param>
internal sealed class ShopInvariants(Func<string, NpgsqlConnection> database, HttpClient provider, string kafka)
{
    /// <summary>KafkaLogSink.OwnCategory: the category of the sink's warning that carries DroppedRecords.</summary>
    private const string LogSinkCategory = "ECommerce.ServiceDefaults.Logging.KafkaLogSink";

    /// <summary>Service databases with an outbox or processed-event records (Logging has neither).</summary>
    private static readonly string[] EventDatabases = ["users", "catalog", "search", "cart", "payment", "shipping", "orders"];

    /// <summary>On hand of every SKU now: taken before the load, it is the "initial stock" the last invariant compares with.</summary>
    public async Task<Dictionary<string, long>> StockAsync()
    {
        await using var catalog = await OpenAsync("catalog");
        await using var command = new NpgsqlCommand("SELECT sku, on_hand FROM variants", catalog);
        await using var reader = await command.ExecuteReaderAsync();
        var stock = new Dictionary<string, long>();
        while (await reader.ReadAsync())
        {
            stock[reader.GetString(0)] = reader.GetInt64(1);
        }
        return stock;
    }

    /// <summary>
    /// Waits up to <paramref name="patience"/> for every order to finish its checkout (the resumer picks up what crashed
    /// participants left), then checks every invariant; <paramref name="initialStock"/> is <see cref="StockAsync"/> before the run.
    /// </summary>
    public async Task<IReadOnlyList<Invariant>> CheckAsync(IReadOnlyDictionary<string, long> initialStock, TimeSpan patience, Action<string> log)
    {
        var settled = await OrdersSettledAsync(patience, log);
        return
        [
            settled,
            await PaidOrdersHaveCommittedStockAsync(),
            .. await CapturesAsync(),
            await StockAddsUpAsync(initialStock),
            await NoReservationLeftBehindAsync(),
            await EventsSettledAsync(patience, log),
            await LogsAccountedForAsync(patience, log),
        ];
    }

    /// <summary>
    /// Per sender run, the records missing inside its sequence (highest received minus distinct received) against the drops
    /// it reported, once Logging has stored everything on the logs topic: before, a gap may only be a record not read yet,
    /// and a drop report (sent after the records that follow the gap) may still be on its way.
    /// </summary>
    private async Task<Invariant> LogsAccountedForAsync(TimeSpan patience, Action<string> log)
    {
        var ends = LogTopicEnds();
        var clock = Stopwatch.StartNew();
        long notStored;
        while ((notStored = await LogRecordsNotStoredAsync(ends)) > 0 && clock.Elapsed < patience)
        {
            log($"waiting for Logging to store {notStored:N0} log records");
            await Task.Delay(TimeSpan.FromSeconds(2));
        }

        var runs = await LogRunsAsync();
        var received = runs.Values.Sum(run => run.Received);
        var missing = runs.Values.Sum(run => run.Missing);
        var dropped = runs.Values.Sum(run => run.Dropped);
        var unexplained = runs.Where(run => run.Value.Missing > run.Value.Dropped).ToList();
        return new Invariant("logs lost are no more than the reported drop count",
            $"{received:N0} records received from {runs.Count:N0} runs, {missing:N0} missing inside the sequences, {dropped:N0} reported dropped" +
            (unexplained.Count == 0 ? "" : $"; {unexplained.Count} runs missing more than they reported (e.g. {unexplained[0].Value.Service} run " +
                $"{unexplained[0].Key}: {unexplained[0].Value.Missing:N0} missing, {unexplained[0].Value.Dropped:N0} reported)") +
            (notStored == 0 ? "" : $"; {notStored:N0} records on the topic not stored by Logging after {clock.Elapsed.TotalSeconds:N0} s"),
            unexplained.Count == 0 && notStored == 0);
    }

    /// <summary>The logs topic's end offset per partition, now: the records Logging must have stored before the check.</summary>
    private Dictionary<int, long> LogTopicEnds()
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = kafka }).Build();
        var partitions = admin.GetMetadata(EventTopics.Logs, TimeSpan.FromSeconds(10)).Topics.Single().Partitions.Select(partition => partition.PartitionId);
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = kafka, GroupId = "shop-invariants" }).Build();
        return partitions.ToDictionary(partition => partition,
            partition => consumer.QueryWatermarkOffsets(new TopicPartition(EventTopics.Logs, partition), TimeSpan.FromSeconds(10)).High.Value);
    }

    /// <summary>How many records before <paramref name="ends"/> Logging has not stored: it keeps its next offset per partition with each batch.</summary>
    private async Task<long> LogRecordsNotStoredAsync(IReadOnlyDictionary<int, long> ends)
    {
        await using var logging = await OpenAsync("logging");
        await using var command = new NpgsqlCommand("SELECT partition, next_offset FROM log_offsets WHERE topic = $1", logging)
        {
            Parameters = { new() { Value = EventTopics.Logs } },
        };
        await using var reader = await command.ExecuteReaderAsync();
        var stored = new Dictionary<int, long>();
        while (await reader.ReadAsync())
        {
            stored[reader.GetInt32(0)] = reader.GetInt64(1);
        }
        return ends.Sum(end => Math.Max(0, end.Value - stored.GetValueOrDefault(end.Key)));
    }

    private sealed record LogRun(string Service, long Received, long Missing, long Dropped);

    /// <summary>
    /// Every numbered run in Logging's database: records received, missing inside its sequence, and the drops it reported.
    /// Distinct sequences and distinct reports: a batch the Kafka client sent again after a lost acknowledgement is stored twice.
    /// </summary>
    private async Task<Dictionary<string, LogRun>> LogRunsAsync()
    {
        await using var logging = await OpenAsync("logging");
        await using var command = new NpgsqlCommand(
            """
            WITH numbered AS (
                SELECT run_id, min(service) AS service, count(DISTINCT sequence) AS received, max(sequence) - count(DISTINCT sequence) AS missing
                FROM log_records WHERE run_id <> '' AND sequence > 0 GROUP BY run_id),
            reports AS (
                SELECT run_id, min(service) AS service, sum(dropped)::bigint AS dropped
                FROM (SELECT DISTINCT run_id, service, time, (attributes->>'DroppedRecords')::bigint AS dropped
                      FROM log_records WHERE run_id <> '' AND sequence = 0 AND category = $1 AND attributes ? 'DroppedRecords') AS report
                GROUP BY run_id)
            SELECT run_id, coalesce(numbered.service, reports.service), coalesce(received, 0), coalesce(missing, 0), coalesce(dropped, 0)
            FROM numbered FULL JOIN reports USING (run_id)
            """, logging)
        {
            Parameters = { new() { Value = LogSinkCategory } },
        };
        await using var reader = await command.ExecuteReaderAsync();
        var runs = new Dictionary<string, LogRun>();
        while (await reader.ReadAsync())
        {
            runs[reader.GetString(0)] = new LogRun(reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4));
        }
        return runs;
    }

    /// <summary>Consumers and relays catch up after an outage at their own pace: asked again until they have, or patience runs out.</summary>
    private async Task<Invariant> EventsSettledAsync(TimeSpan patience, Action<string> log)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var (invariant, pending) = await EveryEventAppliedOnceAsync();
            if (invariant.Held || clock.Elapsed > patience)
            {
                return invariant with { Figure = $"{invariant.Figure} ({clock.Elapsed.TotalSeconds:N0} s after the orders settled)" };
            }
            log($"waiting for events: {pending}");
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
    }

    private async Task<Invariant> OrdersSettledAsync(TimeSpan patience, Action<string> log)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            await using var orders = await OpenAsync("orders");
            var (all, unfinished) = await Database.CheckoutsAsync(orders);
            if (unfinished == 0 || clock.Elapsed > patience)
            {
                return new Invariant("every accepted order reaches a final state once the faults stop",
                    $"{all:N0} orders, {unfinished:N0} still in their checkout {clock.Elapsed.TotalSeconds:N0} s after the faults stopped", unfinished == 0);
            }
            log($"waiting for {unfinished} of {all} orders to finish their checkout");
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
    }

    private async Task<Invariant> PaidOrdersHaveCommittedStockAsync()
    {
        var paid = await PaidOrderIdsAsync();
        await using var catalog = await OpenAsync("catalog");
        await using var command = new NpgsqlCommand("SELECT count(*) FROM reservations WHERE order_id = ANY($1) AND status = 'committed'", catalog)
        {
            Parameters = { new() { Value = paid.Select(id => id.ToString()).ToArray() } },
        };
        var committed = (long)(await command.ExecuteScalarAsync())!;
        return new Invariant("no order is paid without its stock committed",
            $"{paid.Count:N0} paid orders, {committed:N0} with their reservation committed in Catalog", committed == paid.Count);
    }

    /// <summary>The provider's captures against the Payment ledger and the orders: none without a paid order, none twice.</summary>
    private async Task<Invariant[]> CapturesAsync()
    {
        using var document = JsonDocument.Parse(await provider.GetStringAsync("/v1/authorizations"));
        // Money the provider holds: captured and not refunded.
        var held = document.RootElement.GetProperty("data").EnumerateArray()
            .Where(authorization => authorization.GetProperty("amount_captured").GetInt64() > authorization.GetProperty("amount_refunded").GetInt64())
            .Select(authorization => (Id: authorization.GetProperty("id").GetString()!, PaymentId: authorization.GetProperty("reference").GetString()!,
                Amount: authorization.GetProperty("amount_captured").GetInt64() - authorization.GetProperty("amount_refunded").GetInt64()))
            .ToList();

        var ledger = new Dictionary<string, (string OrderId, long Held)>();
        await using (var payment = await OpenAsync("payment"))
        await using (var command = new NpgsqlCommand("SELECT payment_id::text, order_id, captured_minor - refunded_minor FROM payments WHERE payment_id::text = ANY($1)", payment)
        {
            Parameters = { new() { Value = held.Select(capture => capture.PaymentId).ToArray() } },
        })
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                ledger[reader.GetString(0)] = (reader.GetString(1), reader.GetInt64(2));
            }
        }
        var paid = (await PaidOrderIdsAsync()).Select(id => id.ToString()).ToHashSet();
        var withoutOrder = held.Count(capture => !ledger.TryGetValue(capture.PaymentId, out var entry) || !paid.Contains(entry.OrderId));
        var notInLedger = held.Count(capture => !ledger.TryGetValue(capture.PaymentId, out var entry) || entry.Held != capture.Amount);
        var twice = held.Where(capture => ledger.ContainsKey(capture.PaymentId)).GroupBy(capture => ledger[capture.PaymentId].OrderId).Count(order => order.Count() > 1);
        return
        [
            new Invariant("no capture exists without a paid order",
                $"{held.Count:N0} captures held at the provider, {withoutOrder:N0} without a paid order", withoutOrder == 0),
            new Invariant("no double capture; the provider's records match the Payment ledger",
                $"{twice:N0} orders captured more than once; {notInLedger:N0} captures the ledger does not show as held", twice == 0 && notInLedger == 0),
        ];
    }

    private async Task<Invariant> StockAddsUpAsync(IReadOnlyDictionary<string, long> initialStock)
    {
        var sold = new Dictionary<string, long>();
        await using (var orders = await OpenAsync("orders"))
        await using (var command = new NpgsqlCommand(
            "SELECT l.sku, sum(l.quantity)::bigint FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.status = ANY($1) GROUP BY l.sku", orders)
        {
            Parameters = { new() { Value = Database.PaidStatuses } },
        })
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                sold[reader.GetString(0)] = reader.GetInt64(1);
            }
        }
        var now = await StockAsync();
        var wrong = sold.Keys.Union(initialStock.Keys)
            .Where(sku => now.GetValueOrDefault(sku) != initialStock.GetValueOrDefault(sku) - sold.GetValueOrDefault(sku))
            .ToList();
        return new Invariant("stock equals initial stock minus units sold",
            $"{sold.Values.Sum():N0} units sold of {sold.Count:N0} SKUs; {wrong.Count:N0} SKUs off" +
            (wrong.Count == 0 ? "" : $" (e.g. {wrong[0]}: {initialStock.GetValueOrDefault(wrong[0])} - {sold.GetValueOrDefault(wrong[0])} ≠ {now.GetValueOrDefault(wrong[0])})"),
            wrong.Count == 0);
    }

    private async Task<Invariant> NoReservationLeftBehindAsync()
    {
        await using var catalog = await OpenAsync("catalog");
        await using var command = new NpgsqlCommand(
            "SELECT (SELECT count(*) FROM reservations WHERE status = 'reserved'), (SELECT coalesce(sum(reserved), 0)::bigint FROM variants)", catalog);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        var (open, units) = (reader.GetInt64(0), reader.GetInt64(1));
        return new Invariant("no reservation is left behind", $"{open:N0} reservations still open, {units:N0} units held", open == 0 && units == 0);
    }

    /// <summary>
    /// Every event a service's outbox holds was published, and every consumer applied each event of the types it takes exactly
    /// once: its processed-event records (one per consumer group and event, by their primary key) against every outbox.
    /// </summary>
    private async Task<(Invariant Invariant, string Pending)> EveryEventAppliedOnceAsync()
    {
        var published = new List<(Guid Id, string Type)>();
        var unpublished = 0L;
        var unpublishedBy = new Dictionary<string, long>();
        var applied = new Dictionary<(string Database, string Group), (HashSet<string> Types, HashSet<Guid> Events)>();
        foreach (var name in EventDatabases)
        {
            await using var connection = await OpenAsync(name);
            await using (var outbox = new NpgsqlCommand("SELECT event_id, event_type, published_at IS NULL FROM outbox_events", connection))
            await using (var reader = await outbox.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    published.Add((reader.GetGuid(0), reader.GetString(1)));
                    if (reader.GetBoolean(2))
                    {
                        unpublished++;
                        unpublishedBy[name] = unpublishedBy.GetValueOrDefault(name) + 1;
                    }
                }
            }
            await using (var processed = new NpgsqlCommand("SELECT consumer_group, event_type, event_id FROM processed_events", connection))
            await using (var reader = await processed.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    var key = (name, reader.GetString(0));
                    if (!applied.TryGetValue(key, out var consumer))
                    {
                        applied[key] = consumer = ([], []);
                    }
                    consumer.Types.Add(reader.GetString(1));
                    consumer.Events.Add(reader.GetGuid(2));
                }
            }
        }
        // A consumer takes the event types it has records of; each event of those types must be among its records.
        var expected = applied.Values.Sum(consumer => published.Count(@event => consumer.Types.Contains(@event.Type)));
        var missingBy = applied.ToDictionary(consumer => $"{consumer.Key.Group} in {consumer.Key.Database}",
            consumer => published.Count(@event => consumer.Value.Types.Contains(@event.Type) && !consumer.Value.Events.Contains(@event.Id)));
        var missing = missingBy.Values.Sum();
        var pending = string.Join(", ", unpublishedBy.Select(entry => $"{entry.Value} unpublished in {entry.Key}")
            .Concat(missingBy.Where(entry => entry.Value > 0).Select(entry => $"{entry.Value} not applied by {entry.Key}")));
        return (new Invariant("every domain event was applied once",
            $"{published.Count:N0} events in the outboxes, {unpublished:N0} not published; {expected:N0} applications due to {applied.Count} consumers, {missing:N0} missing" +
            (pending.Length == 0 ? "" : $" ({pending})"),
            unpublished == 0 && missing == 0), pending);
    }

    private async Task<List<Guid>> PaidOrderIdsAsync()
    {
        await using var orders = await OpenAsync("orders");
        await using var command = new NpgsqlCommand("SELECT id FROM orders WHERE status = ANY($1)", orders) { Parameters = { new() { Value = Database.PaidStatuses } } };
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<Guid>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetGuid(0));
        }
        return ids;
    }

    private async Task<NpgsqlConnection> OpenAsync(string name)
    {
        var connection = database(name);
        await connection.OpenAsync();
        return connection;
    }
}
