using System.Text;
using System.Text.Json;
using Google.Protobuf.WellKnownTypes;

namespace ECommerce.Logging.Records;

/// <summary>Reads of stored records: a page of QueryLogs, and what a tail has not sent yet.</summary>
internal sealed class LogStore(NpgsqlDataSource dataSource)
{
    private const string Columns =
        "id, time, ingested_at, service, instance, level, category, message, template, attributes::text, exception_type, exception, trace_id, span_id, run_id, sequence";

    /// <summary>Newest first, below <paramref name="after"/>; one more than asked tells whether a next page exists.</summary>
    public async Task<(IReadOnlyList<StoredLog> Records, LogCursor? Next)> QueryAsync(LogFilter filter, int pageSize, LogCursor? after, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand();
        var sql = new StringBuilder($"SELECT {Columns} FROM log_records WHERE ");
        AppendFilter(sql, command, filter);
        if (filter.Since is { } since)
        {
            sql.Append(" AND time >= ").Append(Parameter(command, since));
        }
        if (filter.Until is { } until)
        {
            sql.Append(" AND time < ").Append(Parameter(command, until));
        }
        if (after is { } cursor)
        {
            sql.Append($" AND (time, id) < ({Parameter(command, cursor.Time)}, {Parameter(command, cursor.Id)})");
        }
        sql.Append($" ORDER BY time DESC, id DESC LIMIT {Parameter(command, pageSize + 1)}");
        command.CommandText = sql.ToString();
        var records = await ReadAsync(command, cancellationToken);
        if (records.Count <= pageSize)
        {
            return (records, null);
        }
        records.RemoveAt(pageSize);
        return (records, new LogCursor(records[^1].Time, records[^1].Id));
    }

    /// <summary>
    /// Records stored after <paramref name="after"/> (in storing order) and at least <paramref name="settle"/> ago, so
    /// that a batch another replica is still committing is not passed over.
    /// </summary>
    public async Task<List<StoredLog>> StoredAfterAsync(LogFilter filter, TailPosition after, TimeSpan settle, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand();
        var sql = new StringBuilder($"SELECT {Columns} FROM log_records WHERE ");
        AppendFilter(sql, command, filter);
        sql.Append($" AND (ingested_at, id) > ({Parameter(command, after.IngestedAt)}, {Parameter(command, after.Id)})");
        sql.Append($" AND ingested_at < clock_timestamp() - {Parameter(command, settle)}");
        sql.Append($" ORDER BY ingested_at, id LIMIT {Parameter(command, limit)}");
        command.CommandText = sql.ToString();
        return await ReadAsync(command, cancellationToken);
    }

    private static void AppendFilter(StringBuilder sql, NpgsqlCommand command, LogFilter filter)
    {
        sql.Append("level >= ").Append(Parameter(command, (short)filter.MinLevel));
        if (filter.Service.Length > 0)
        {
            sql.Append(" AND service = ").Append(Parameter(command, filter.Service));
        }
        if (filter.TraceId.Length > 0)
        {
            sql.Append(" AND trace_id = ").Append(Parameter(command, filter.TraceId));
        }
        if (filter.Text.Length > 0)
        {
            sql.Append(" AND message ILIKE ").Append(Parameter(command, LogQueryRules.ContainsPattern(filter.Text)));
        }
    }

    private static string Parameter<T>(NpgsqlCommand command, T value)
    {
        command.Parameters.Add(new NpgsqlParameter<T> { TypedValue = value });
        return $"${command.Parameters.Count}";
    }

    private static async Task<List<StoredLog>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var records = new List<StoredLog>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var record = new LogRecord
            {
                Time = Timestamp.FromDateTime(reader.GetFieldValue<DateTime>(1)),
                Service = reader.GetString(3),
                Instance = reader.GetString(4),
                Level = (LogLevel)reader.GetInt16(5),
                Category = reader.GetString(6),
                Message = reader.GetString(7),
                Template = reader.GetString(8),
                ExceptionType = reader.GetString(10),
                Exception = reader.GetString(11),
                TraceId = reader.GetString(12),
                SpanId = reader.GetString(13),
                RunId = reader.GetString(14),
                Sequence = reader.GetInt64(15),
            };
            record.Attributes.Add(JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(9)) ?? []);
            records.Add(new StoredLog(reader.GetInt64(0), reader.GetFieldValue<DateTime>(1), reader.GetFieldValue<DateTime>(2), record));
        }
        return records;
    }
}

internal sealed record StoredLog(long Id, DateTime Time, DateTime IngestedAt, LogRecord Record);

/// <summary>How far a tail has sent, in storing order.</summary>
internal readonly record struct TailPosition(DateTime IngestedAt, long Id);
