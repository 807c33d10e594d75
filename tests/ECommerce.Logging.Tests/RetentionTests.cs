using ECommerce.Contracts.Logging.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.DependencyInjection;
using ECommerce.Logging.Records;
using Npgsql;
using static ECommerce.Logging.Tests.LoggingTestEnvironment;
using KafkaLogLevel = ECommerce.Contracts.Events.V1.LogLevel;

namespace ECommerce.Logging.Tests;

/// <summary>Records are kept 14 days (by default): whole daily partitions are dropped after that.</summary>
public sealed class RetentionTests(LoggingTestEnvironment logs)
{
    [Fact]
    public async Task Partitions_older_than_the_retention_are_dropped_and_newer_ones_kept()
    {
        var partitions = logs.Services.GetRequiredService<PartitionKeeper>();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var (expired, kept) = (today.AddDays(-20), today.AddDays(-13));
        await partitions.EnsureAsync([expired, kept], CancellationToken.None);
        var service = NewService();
        await using (var database = NpgsqlDataSource.Create(logs.LoggingDatabase))
        {
            await using var insert = database.CreateCommand(
                """
                INSERT INTO log_records (time, service, instance, level, category, message, template, attributes, exception_type, exception, trace_id, span_id)
                VALUES ($1, $3, 'i', 3, 'c', 'expired', '', '{}', '', '', '', ''), ($2, $3, 'i', 3, 'c', 'kept', '', '{}', '', '', '', '')
                """);
            insert.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = expired.ToDateTime(new TimeOnly(12, 0), DateTimeKind.Utc) });
            insert.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = kept.ToDateTime(new TimeOnly(12, 0), DateTimeKind.Utc) });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = service });
            await insert.ExecuteNonQueryAsync();
        }
        Assert.Equal(2, (await logs.Client.QueryLogsAsync(new QueryLogsRequest { Service = service }, logs.Admin)).Records.Count);

        var dropped = await partitions.DropExpiredAsync(CancellationToken.None);

        Assert.Contains(expired, dropped);
        Assert.DoesNotContain(kept, dropped);
        var days = await partitions.ListAsync(CancellationToken.None);
        Assert.DoesNotContain(expired, days);
        Assert.Contains(kept, days);
        Assert.Contains(today.AddDays(2), days);
        Assert.Equal(["kept"], (await logs.Client.QueryLogsAsync(new QueryLogsRequest { Service = service }, logs.Admin)).Records.Select(record => record.Message));
    }

    [Fact]
    public async Task A_record_older_than_the_retention_is_not_stored()
    {
        var service = NewService();
        await logs.SendAsync(Record(service, "from long ago", KafkaLogLevel.Error, DateTime.UtcNow.AddDays(-30)), Record(service, "marker"));

        var found = await logs.QueryUntilAsync(new QueryLogsRequest { Service = service, Since = Timestamp.FromDateTime(DateTime.UtcNow.AddDays(-60)) },
            response => response.Records.Any(record => record.Message == "marker"));

        Assert.Equal(["marker"], found.Records.Select(record => record.Message));
    }
}
