using Google.Protobuf.WellKnownTypes;

namespace ECommerce.Logging.Errors;

/// <summary>Reads of the error groups.</summary>
internal sealed class ErrorStore(NpgsqlDataSource dataSource)
{
    /// <summary>The groups with the most records in [since, until) (whole minutes), most first.</summary>
    public async Task<IReadOnlyList<Contracts.Logging.V1.ErrorGroup>> TopAsync(DateTime since, DateTime until, string service, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            WITH windowed AS (
                SELECT fingerprint, service, sum(count)::bigint AS count
                FROM error_counts
                WHERE minute >= date_trunc('minute', $1) AND minute < $2 AND ($3 = '' OR service = $3)
                GROUP BY fingerprint, service)
            SELECT g.fingerprint, g.exception_type, g.template, g.top_frame, sum(w.count)::bigint AS total,
                   array_agg(w.service ORDER BY w.count DESC, w.service), array_agg(w.count ORDER BY w.count DESC, w.service),
                   g.first_seen, g.last_seen, g.example_trace_id, g.example_message
            FROM windowed w JOIN error_groups g ON g.fingerprint = w.fingerprint
            GROUP BY g.fingerprint
            ORDER BY total DESC, g.last_seen DESC
            LIMIT $4
            """);
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = since });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = until });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = service });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var groups = new List<Contracts.Logging.V1.ErrorGroup>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var services = reader.GetFieldValue<string[]>(5);
            var counts = reader.GetFieldValue<long[]>(6);
            groups.Add(new Contracts.Logging.V1.ErrorGroup
            {
                Fingerprint = reader.GetString(0),
                ExceptionType = reader.GetString(1),
                Template = reader.GetString(2),
                TopFrame = reader.GetString(3),
                Count = reader.GetInt64(4),
                Services = { services.Zip(counts, (name, count) => new Contracts.Logging.V1.ServiceErrorCount { Service = name, Count = count }) },
                FirstSeen = Timestamp.FromDateTime(reader.GetFieldValue<DateTime>(7)),
                LastSeen = Timestamp.FromDateTime(reader.GetFieldValue<DateTime>(8)),
                ExampleTraceId = reader.GetString(9),
                ExampleMessage = reader.GetString(10),
            });
        }
        return groups;
    }
}
