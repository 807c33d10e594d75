using System.Globalization;

namespace ECommerce.Logging.Records;

/// <summary>
/// The daily partitions of log_records: created ahead (and for any day a batch brings), and dropped whole once
/// older than the retention, the cheap way to expire millions of rows.
/// </summary>
internal sealed class PartitionKeeper(NpgsqlDataSource dataSource, LoggingOptions options, TimeProvider clock)
{
    private const string Prefix = "log_records_p";

    // Days known to have a partition; a day is only ever created, so a stale entry is never wrong for long.
    private readonly HashSet<DateOnly> _known = [];
    private readonly Lock _knownLock = new();

    public DateTime RetentionCutoff => clock.GetUtcNow().UtcDateTime.Date.AddDays(-options.RetentionDays + 1);

    /// <summary>The partitions from yesterday to <see cref="LoggingOptions.PartitionsAhead"/> days ahead.</summary>
    public Task EnsureAheadAsync(CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        return EnsureAsync(Enumerable.Range(-1, options.PartitionsAhead + 2).Select(today.AddDays), cancellationToken);
    }

    public async Task EnsureAsync(IEnumerable<DateOnly> days, CancellationToken cancellationToken)
    {
        List<DateOnly> missing;
        lock (_knownLock)
        {
            missing = days.Distinct().Where(day => !_known.Contains(day)).Order().ToList();
        }
        if (missing.Count == 0)
        {
            return;
        }
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Replicas create the same partitions; one at a time, or CREATE … IF NOT EXISTS can still collide.
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext('log_records partitions'))", connection, transaction))
        {
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }
        foreach (var day in missing)
        {
            var from = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var to = day.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            await using var create = new NpgsqlCommand(
                $"CREATE TABLE IF NOT EXISTS {Name(day)} PARTITION OF log_records FOR VALUES FROM ('{from} 00:00:00+00') TO ('{to} 00:00:00+00')",
                connection, transaction);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        lock (_knownLock)
        {
            _known.UnionWith(missing);
        }
    }

    /// <summary>Drops every partition wholly before the retention, and the error counts and groups as old; returns the days dropped.</summary>
    public async Task<IReadOnlyList<DateOnly>> DropExpiredAsync(CancellationToken cancellationToken)
    {
        var cutoff = DateOnly.FromDateTime(RetentionCutoff);
        var expired = (await ListAsync(cancellationToken)).Where(day => day < cutoff).ToList();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var day in expired)
        {
            await using var drop = new NpgsqlCommand($"DROP TABLE IF EXISTS {Name(day)}", connection, transaction);
            await drop.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var counts = new NpgsqlBatch(connection, transaction))
        {
            foreach (var statement in new[]
                     {
                         "DELETE FROM error_counts WHERE minute < $1", "DELETE FROM error_groups WHERE last_seen < $1", "DELETE FROM error_spikes WHERE minute < $1",
                     })
            {
                counts.BatchCommands.Add(new NpgsqlBatchCommand(statement) { Parameters = { new NpgsqlParameter<DateTime> { TypedValue = RetentionCutoff } } });
            }
            await counts.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        lock (_knownLock)
        {
            _known.ExceptWith(expired);
        }
        return expired;
    }

    /// <summary>The days that have a partition.</summary>
    public async Task<IReadOnlyList<DateOnly>> ListAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'log_records'::regclass ORDER BY 1");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var days = new List<DateOnly>();
        while (await reader.ReadAsync(cancellationToken))
        {
            if (reader.GetString(0) is var name && name.StartsWith(Prefix, StringComparison.Ordinal)
                && DateOnly.TryParseExact(name[Prefix.Length..], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                days.Add(day);
            }
        }
        return days;
    }

    private static string Name(DateOnly day) => Prefix + day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
}
