using ECommerce.Contracts.Logging.V1;
using ECommerce.Contracts.Users.V1;
using ECommerce.Testing;
using Grpc.Core;
using static ECommerce.Logging.Tests.LoggingTestEnvironment;

namespace ECommerce.Logging.Tests;

/// <summary>A real service's log records, from its ILogger through Kafka to QueryLogs.</summary>
public sealed class ServiceLogTests(LoggingTestEnvironment logs)
{
    [Fact]
    public async Task A_warning_Users_logs_during_a_request_is_found_by_the_requests_trace_id()
    {
        var traceId = NewTraceId();
        var registered = await logs.Users.Client.RegisterAsync(new RegisterRequest { Email = $"{Guid.NewGuid():N}@shop.example", Password = UsersForTests.Password, DisplayName = "Reuser" });
        await logs.Users.Client.RefreshAsync(new RefreshRequest { RefreshToken = registered.Tokens.RefreshToken });

        // The spent token again: Users refuses it and logs a warning, inside the call's trace.
        await Assert.ThrowsAsync<RpcException>(() => logs.Users.Client.RefreshAsync(new RefreshRequest { RefreshToken = registered.Tokens.RefreshToken },
            Traced(traceId)).ResponseAsync);

        var found = await logs.QueryUntilAsync(new QueryLogsRequest { TraceId = traceId }, response => response.Records.Count > 0);
        var record = Assert.Single(found.Records);
        Assert.Equal("users", record.Service);
        Assert.Equal(Contracts.Events.V1.LogLevel.Warning, record.Level);
        Assert.Equal(traceId, record.TraceId);
        Assert.Equal($"A spent refresh token of user {registered.User.UserId} was presented again; its whole family is revoked", record.Message);
        Assert.Equal("A spent refresh token of user {UserId} was presented again; its whole family is revoked", record.Template);
        Assert.Equal(registered.User.UserId, record.Attributes["UserId"]);
        Assert.NotEmpty(record.SpanId);
        // Numbered by Users' sink, so that a lost record would show as a gap in its run.
        Assert.True(Guid.TryParse(record.RunId, out _), record.RunId);
        Assert.True(record.Sequence > 0, $"sequence {record.Sequence}");
    }
}
