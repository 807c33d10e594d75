using System.Text.Json;

namespace ECommerce.Logging.Records;

/// <summary>A record as it came off the logs topic.</summary>
internal sealed record IngestedLog(LogRecord Record, int Partition, long Offset);

/// <summary>What storing a batch did.</summary>
internal sealed record StoredBatch(int Stored, int Expired);

/// <summary>
/// Stores what the ingestor consumed, one batch per transaction: the records by binary COPY into their daily
/// partitions, the error groups' counts, and the next offset of each partition, so a batch is stored exactly once.
/// </summary>
internal sealed class LogKeeper(NpgsqlDataSource dataSource, PartitionKeeper partitions, TimeProvider clock)
{
    public async Task<StoredBatch> StoreAsync(string topic, IReadOnlyList<IngestedLog> batch, CancellationToken cancellationToken)
    {
        var cutoff = partitions.RetentionCutoff;
        var latest = clock.GetUtcNow().UtcDateTime.AddDays(1);
        var rows = new List<(LogRecord Record, DateTime Time, ErrorKey? Error)>(batch.Count);
        foreach (var (record, _, _) in batch)
        {
            var time = record.Time?.ToDateTime() ?? clock.GetUtcNow().UtcDateTime;
            if (time < cutoff)
            {
                continue;
            }
            // A clock far ahead would need partitions for days that may never come; the record is kept at the time it arrived.
            if (time > latest)
            {
                time = clock.GetUtcNow().UtcDateTime;
            }
            rows.Add((record, time, ErrorRules.IsError(record.Level) ? ErrorRules.Key(record) : null));
        }
        await partitions.EnsureAsync(rows.Select(row => DateOnly.FromDateTime(row.Time)), cancellationToken);

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await CopyAsync(connection, rows, cancellationToken);
        await CountErrorsAsync(connection, transaction, rows.Where(row => row.Error is not null).Select(row => (row.Record, row.Time, row.Error!)).ToList(), cancellationToken);
        await SaveOffsetsAsync(connection, transaction, topic, batch, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new StoredBatch(rows.Count, batch.Count - rows.Count);
    }

    /// <summary>The offsets to resume from, for the partitions just assigned; null where none is stored yet.</summary>
    public async Task<Dictionary<int, long>> StoredOffsetsAsync(string topic, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT partition, next_offset FROM log_offsets WHERE topic = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = topic });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var offsets = new Dictionary<int, long>();
        while (await reader.ReadAsync(cancellationToken))
        {
            offsets[reader.GetInt32(0)] = reader.GetInt64(1);
        }
        return offsets;
    }

    private static async Task CopyAsync(NpgsqlConnection connection, List<(LogRecord Record, DateTime Time, ErrorKey? Error)> rows, CancellationToken cancellationToken)
    {
        await using var writer = await connection.BeginBinaryImportAsync(
            "COPY log_records (time, service, instance, level, category, message, template, attributes, exception_type, exception, trace_id, span_id, fingerprint, run_id, sequence) FROM STDIN (FORMAT BINARY)",
            cancellationToken);
        foreach (var (record, time, error) in rows)
        {
            await writer.StartRowAsync(cancellationToken);
            await writer.WriteAsync(time, NpgsqlDbType.TimestampTz, cancellationToken);
            await writer.WriteAsync(Clean(record.Service), NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(Clean(record.Instance), NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync((short)(System.Enum.IsDefined(record.Level) ? record.Level : LogLevel.Unspecified), NpgsqlDbType.Smallint, cancellationToken);
            await writer.WriteAsync(Clean(record.Category), NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(Clean(record.Message), NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(Clean(record.Template), NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(JsonSerializer.Serialize(record.Attributes.ToDictionary(pair => Clean(pair.Key), pair => Clean(pair.Value))), NpgsqlDbType.Jsonb, cancellationToken);
            await writer.WriteAsync(Clean(record.ExceptionType), NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(Clean(record.Exception), NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(Clean(record.TraceId).ToLowerInvariant(), NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(Clean(record.SpanId).ToLowerInvariant(), NpgsqlDbType.Text, cancellationToken);
            if (error is null)
            {
                await writer.WriteNullAsync(cancellationToken);
            }
            else
            {
                await writer.WriteAsync(error.Fingerprint, NpgsqlDbType.Text, cancellationToken);
            }
            await writer.WriteAsync(Clean(record.RunId), NpgsqlDbType.Text, cancellationToken);
            // Any service's input: a negative number is nonsense, and stored as "not numbered".
            await writer.WriteAsync(Math.Max(record.Sequence, 0), NpgsqlDbType.Bigint, cancellationToken);
        }
        await writer.CompleteAsync(cancellationToken);
    }

    // PostgreSQL text cannot hold NUL; a record is any service's input, so it is cleaned rather than refused.
    private static string Clean(string text) => text.Contains('\0') ? text.Replace("\0", "") : text;

    /// <summary>Upserts the batch's groups and per-minute counts in fingerprint order, so replicas lock rows in the same order.</summary>
    private static async Task CountErrorsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        List<(LogRecord Record, DateTime Time, ErrorKey Error)> errors, CancellationToken cancellationToken)
    {
        if (errors.Count == 0)
        {
            return;
        }
        var groups = errors.GroupBy(error => error.Error.Fingerprint).OrderBy(group => group.Key, StringComparer.Ordinal).Select(group =>
        {
            var latest = group.OrderByDescending(error => error.Time).First();
            var example = group.Where(error => error.Record.TraceId.Length > 0).OrderByDescending(error => error.Time).Select(error => error.Record.TraceId).FirstOrDefault() ?? "";
            return (Key: latest.Error, First: group.Min(error => error.Time), Last: latest.Time,
                Trace: Clean(example).ToLowerInvariant(), Message: Clean(latest.Record.Message));
        }).ToList();
        await using (var upsertGroups = new NpgsqlCommand(
            """
            INSERT INTO error_groups (fingerprint, exception_type, template, top_frame, first_seen, last_seen, example_trace_id, example_message)
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::text[], $8::text[])
            ON CONFLICT (fingerprint) DO UPDATE SET
                first_seen = least(error_groups.first_seen, excluded.first_seen),
                last_seen = greatest(error_groups.last_seen, excluded.last_seen),
                example_trace_id = CASE WHEN excluded.last_seen >= error_groups.last_seen AND excluded.example_trace_id <> ''
                                        THEN excluded.example_trace_id ELSE error_groups.example_trace_id END,
                example_message = CASE WHEN excluded.last_seen >= error_groups.last_seen THEN excluded.example_message ELSE error_groups.example_message END
            """, connection, transaction))
        {
            upsertGroups.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = groups.Select(group => group.Key.Fingerprint).ToArray() });
            upsertGroups.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = groups.Select(group => Clean(group.Key.ExceptionType)).ToArray() });
            upsertGroups.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = groups.Select(group => Clean(group.Key.Template)).ToArray() });
            upsertGroups.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = groups.Select(group => Clean(group.Key.TopFrame)).ToArray() });
            upsertGroups.Parameters.Add(new NpgsqlParameter<DateTime[]> { TypedValue = groups.Select(group => group.First).ToArray() });
            upsertGroups.Parameters.Add(new NpgsqlParameter<DateTime[]> { TypedValue = groups.Select(group => group.Last).ToArray() });
            upsertGroups.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = groups.Select(group => group.Trace).ToArray() });
            upsertGroups.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = groups.Select(group => group.Message).ToArray() });
            await upsertGroups.ExecuteNonQueryAsync(cancellationToken);
        }

        var counts = errors
            .GroupBy(error => (error.Error.Fingerprint, Service: Clean(error.Record.Service), Minute: ErrorRules.Minute(error.Time)))
            .OrderBy(group => group.Key.Fingerprint, StringComparer.Ordinal).ThenBy(group => group.Key.Service, StringComparer.Ordinal).ThenBy(group => group.Key.Minute)
            .ToList();
        await using var upsertCounts = new NpgsqlCommand(
            """
            INSERT INTO error_counts (fingerprint, service, minute, count)
            SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::bigint[])
            ON CONFLICT (fingerprint, service, minute) DO UPDATE SET count = error_counts.count + excluded.count
            """, connection, transaction);
        upsertCounts.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = counts.Select(count => count.Key.Fingerprint).ToArray() });
        upsertCounts.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = counts.Select(count => count.Key.Service).ToArray() });
        upsertCounts.Parameters.Add(new NpgsqlParameter<DateTime[]> { TypedValue = counts.Select(count => count.Key.Minute).ToArray() });
        upsertCounts.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = counts.Select(count => (long)count.Count()).ToArray() });
        await upsertCounts.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task SaveOffsetsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string topic, IReadOnlyList<IngestedLog> batch,
        CancellationToken cancellationToken)
    {
        var next = batch.GroupBy(log => log.Partition).Select(group => (Partition: group.Key, Next: group.Max(log => log.Offset) + 1)).OrderBy(pair => pair.Partition).ToList();
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO log_offsets (topic, partition, next_offset)
            SELECT $1, * FROM unnest($2::integer[], $3::bigint[])
            ON CONFLICT (topic, partition) DO UPDATE SET next_offset = greatest(log_offsets.next_offset, excluded.next_offset)
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = topic });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = next.Select(pair => pair.Partition).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = next.Select(pair => pair.Next).ToArray() });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
