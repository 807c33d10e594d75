using ECommerce.EventBus.Outbox;
using ECommerce.Logging.Events;

namespace ECommerce.Logging.Errors;

/// <summary>A spike the keeper announced.</summary>
internal sealed record Spike(string Service, DateTime Minute, long Errors, double BaselinePerMinute, string TopFingerprint);

/// <summary>
/// Announces error-rate spikes: for the last whole minute before <c>now</c>, each service whose errors meet
/// <see cref="ErrorRules.IsSpike"/> against the mean of the minutes before gets one ErrorRateSpiked, written to the
/// outbox in the transaction that records it as announced.
/// </summary>
internal sealed class ErrorKeeper(NpgsqlDataSource dataSource, LoggingOptions options)
{
    public async Task<IReadOnlyList<Spike>> AnnounceSpikesAsync(DateTime now, CancellationToken cancellationToken)
    {
        var minute = ErrorRules.Minute(now).AddMinutes(-1);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var candidates = new List<Spike>();
        await using (var command = new NpgsqlCommand(
            """
            WITH minute AS (
                SELECT service, sum(count)::bigint AS errors FROM error_counts WHERE minute = $1 GROUP BY service),
            baseline AS (
                SELECT service, sum(count)::double precision / $3 AS per_minute
                FROM error_counts WHERE minute >= $2 AND minute < $1 GROUP BY service),
            top AS (
                SELECT DISTINCT ON (service) service, fingerprint FROM error_counts WHERE minute = $1 ORDER BY service, count DESC, fingerprint)
            SELECT m.service, m.errors, coalesce(b.per_minute, 0), t.fingerprint
            FROM minute m LEFT JOIN baseline b USING (service) JOIN top t USING (service)
            ORDER BY m.service
            """, connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = minute });
            command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = minute.AddMinutes(-options.SpikeBaselineMinutes) });
            command.Parameters.Add(new NpgsqlParameter<double> { TypedValue = options.SpikeBaselineMinutes });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var spike = new Spike(reader.GetString(0), minute, reader.GetInt64(1), reader.GetDouble(2), reader.GetString(3));
                if (ErrorRules.IsSpike(spike.Errors, spike.BaselinePerMinute, options))
                {
                    candidates.Add(spike);
                }
            }
        }
        var announced = new List<Spike>();
        foreach (var spike in candidates)
        {
            await using var record = new NpgsqlCommand(
                "INSERT INTO error_spikes (service, minute, errors, baseline_per_minute) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                connection, transaction);
            record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = spike.Service });
            record.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = spike.Minute });
            record.Parameters.Add(new NpgsqlParameter<long> { TypedValue = spike.Errors });
            record.Parameters.Add(new NpgsqlParameter<double> { TypedValue = spike.BaselinePerMinute });
            if (await record.ExecuteNonQueryAsync(cancellationToken) == 1)
            {
                await Outbox.AddAsync(connection, transaction, spike.Service, LoggingEvents.ErrorRateSpiked(spike), cancellationToken);
                announced.Add(spike);
            }
        }
        await transaction.CommitAsync(cancellationToken);
        return announced;
    }
}
