using ECommerce.Contracts.Common.V1;
using ECommerce.Contracts.Logging.V1;
using ECommerce.Testing;
using Google.Protobuf.WellKnownTypes;
using KafkaLogLevel = ECommerce.Contracts.Events.V1.LogLevel;

namespace ECommerce.Logging.Tests;

/// <summary>Bad input on every rpc: INVALID_ARGUMENT naming each bad field.</summary>
public sealed class BadInputTests(LoggingTestEnvironment logs)
{
    private static readonly Timestamp Later = Timestamp.FromDateTime(new DateTime(2026, 12, 5, 12, 0, 0, DateTimeKind.Utc));
    private static readonly Timestamp Earlier = Timestamp.FromDateTime(new DateTime(2026, 12, 5, 11, 0, 0, DateTimeKind.Utc));

    [Fact]
    public Task QueryLogs_names_every_bad_filter_and_page_field() =>
        GrpcAssert.InvalidArgumentNamingAsync(() => logs.Client.QueryLogsAsync(new QueryLogsRequest
        {
            Service = "Not A Name",
            MinLevel = (KafkaLogLevel)42,
            TraceId = "not-a-trace",
            Text = new string('x', 201),
            Since = Later,
            Until = Earlier,
            Page = new PageRequest { PageSize = 101, PageToken = "garbage!" },
        }, logs.Admin).ResponseAsync, ["service", "min_level", "trace_id", "text", "until", "page.page_size", "page.page_token"]);

    [Fact]
    public Task A_timestamp_out_of_range_is_refused() =>
        GrpcAssert.InvalidArgumentNamingAsync(() => logs.Client.QueryLogsAsync(new QueryLogsRequest
        {
            Since = new Timestamp { Seconds = long.MaxValue },
        }, logs.Admin).ResponseAsync, ["since"]);

    [Fact]
    public Task TailLogs_names_every_bad_filter_field() =>
        GrpcAssert.InvalidArgumentNamingAsync(async () =>
        {
            using var tail = logs.Client.TailLogs(new TailLogsRequest { Service = "UPPER", TraceId = "abc", MinLevel = (KafkaLogLevel)(-1) }, logs.Admin);
            await tail.ResponseStream.MoveNext(CancellationToken.None);
        }, ["service", "trace_id", "min_level"]);

    [Fact]
    public Task ErrorSummary_names_every_bad_field() =>
        GrpcAssert.InvalidArgumentNamingAsync(() => logs.Client.ErrorSummaryAsync(new ErrorSummaryRequest
        {
            Service = "a b",
            Limit = 101,
            Since = Later,
            Until = Earlier,
        }, logs.Admin).ResponseAsync, ["service", "limit", "until"]);
}
