using ECommerce.Contracts.Logging.V1;
using ECommerce.Grpc;
using ECommerce.ServiceDefaults.Authentication;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace ECommerce.Logging.Api;

/// <summary>
/// The ecommerce.logging.v1.LoggingService contract, for admins only: validates, reads through <see cref="LogStore"/>
/// and <see cref="ErrorStore"/> (records are written by the ingestor alone, so no rpc changes anything).
/// </summary>
[Authorize(Roles = AccessTokens.AdminRole)]
internal sealed class LoggingApi(LogStore logs, ErrorStore errors, LoggingOptions options, TimeProvider clock) : LoggingService.LoggingServiceBase
{
    /// <summary>The most records one poll of a tail sends.</summary>
    private const int TailBatch = 500;

    public override async Task<QueryLogsResponse> QueryLogs(QueryLogsRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations();
        var filter = LogQueryRules.CheckFilter(request.Service, request.MinLevel, request.TraceId, request.Text, request.Since, request.Until, violations);
        var pageSize = LogQueryRules.CheckPage(request.Page, violations, out var after);
        violations.ThrowIfAny();

        var (records, next) = await logs.QueryAsync(filter, pageSize, after, context.CancellationToken);
        return new QueryLogsResponse
        {
            Records = { records.Select(stored => stored.Record) },
            Page = new Contracts.Common.V1.PageResponse { NextPageToken = next?.ToString() ?? "" },
        };
    }

    public override async Task TailLogs(TailLogsRequest request, IServerStreamWriter<TailLogsResponse> responseStream, ServerCallContext context)
    {
        var violations = new FieldViolations();
        var filter = LogQueryRules.CheckFilter(request.Service, request.MinLevel, request.TraceId, request.Text, request.Since, null, violations);
        violations.ThrowIfAny();

        var position = new TailPosition(filter.Since ?? clock.GetUtcNow().UtcDateTime, 0);
        var cancellation = context.CancellationToken;
        using var poll = new PeriodicTimer(options.TailPollInterval, clock);
        try
        {
            do
            {
                List<StoredLog> found;
                do
                {
                    found = await logs.StoredAfterAsync(filter, position, options.TailSettle, TailBatch, cancellation);
                    foreach (var stored in found)
                    {
                        await responseStream.WriteAsync(new TailLogsResponse { Record = stored.Record }, cancellation);
                        position = new TailPosition(stored.IngestedAt, stored.Id);
                    }
                }
                while (found.Count == TailBatch);
            }
            while (await poll.WaitForNextTickAsync(cancellation));
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            // The caller left (or its deadline passed): a tail has no other end.
        }
    }

    public override async Task<ErrorSummaryResponse> ErrorSummary(ErrorSummaryRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations();
        var since = LogQueryRules.CheckTime(request.Since, "since", violations);
        var until = LogQueryRules.CheckTime(request.Until, "until", violations);
        LogQueryRules.CheckFilter(request.Service, LogLevel.Unspecified, "", "", null, null, violations);
        violations.Check(request.Limit is >= 0 and <= LogQueryRules.MaxPageSize, "limit", $"must be 0 (the default, {LogQueryRules.DefaultPageSize}) to {LogQueryRules.MaxPageSize}");
        var to = until ?? clock.GetUtcNow().UtcDateTime;
        var from = since ?? to.AddHours(-1);
        violations.Check(from < to, "until", "must be after since");
        violations.ThrowIfAny();

        var groups = await errors.TopAsync(from, to, request.Service, request.Limit == 0 ? LogQueryRules.DefaultPageSize : request.Limit, context.CancellationToken);
        return new ErrorSummaryResponse { Groups = { groups } };
    }
}
