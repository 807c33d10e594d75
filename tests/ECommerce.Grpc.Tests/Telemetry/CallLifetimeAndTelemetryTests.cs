using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using ECommerce.Grpc.Tests.Hosting;
using ECommerce.Grpc.Tests.Protocol;
using ECommerce.Grpc.Tests.Protos;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ECommerce.Grpc.Tests.Telemetry;

/// <summary>A server of its own, so the metrics and activities a test sees are only its own calls'.</summary>
public sealed class TelemetryServer : IAsyncLifetime
{
    public InteropServer Server { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Server = await InteropServer.StartAsync();

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>Deadlines and cancellation reach the handler; every call is traced, measured and logged.</summary>
public sealed class CallLifetimeAndTelemetryTests(TelemetryServer telemetry) : IClassFixture<TelemetryServer>, IDisposable
{
    private const string Service = "ecommerce.testing.v1.Interop";

    private readonly InteropClients _clients = InteropClients.For(telemetry.Server.Address);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Deadline_FailsTheCallWithDeadlineExceeded_AndFiresTheHandlersToken()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _clients.Client.WaitAsync(
            new WaitRequest { Key = "deadline", Milliseconds = 30_000 }, deadline: DateTime.UtcNow.AddSeconds(2), cancellationToken: Ct).ResponseAsync);

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        await telemetry.Server.State.HandlerCancelled("deadline").WaitAsync(TimeSpan.FromSeconds(10), Ct);
    }

    [Fact]
    public async Task DeadlineEnforcedByTheServer_IsAnsweredAndRecordedAsDeadlineExceeded()
    {
        // A hand-made call, so that only the server enforces the grpc-timeout: our client would
        // give up at the same moment, and a call its caller abandons is recorded as CANCELLED.
        using var raw = new RawGrpcClient(telemetry.Server.Address);
        var body = RawGrpcClient.Frame(new WaitRequest { Key = "server-deadline", Milliseconds = 30_000 }.ToByteArray());

        var response = await raw.SendAsync("/ecommerce.testing.v1.Interop/Wait", body, headers: [("grpc-timeout", "500m")], cancellationToken: Ct);

        Assert.Equal(((int)StatusCode.DeadlineExceeded).ToString(), response.GrpcStatus);
        await telemetry.Server.State.HandlerCancelled("server-deadline").WaitAsync(TimeSpan.FromSeconds(10), Ct);
        await LoggedAsync($"gRPC call {Service}/Wait finished with DeadlineExceeded");
    }

    [Fact]
    public async Task ClientCancellation_CancelsTheHandler()
    {
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        using var call = _clients.Client.WaitAsync(new WaitRequest { Key = "cancelled", Milliseconds = 30_000 }, cancellationToken: cancellation.Token);
        await telemetry.Server.State.HandlerStarted("cancelled").WaitAsync(TimeSpan.FromSeconds(10), Ct);

        await cancellation.CancelAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
        await telemetry.Server.State.HandlerCancelled("cancelled").WaitAsync(TimeSpan.FromSeconds(10), Ct);
        await LoggedAsync($"gRPC call {Service}/Wait finished with Cancelled");
    }

    [Fact]
    public async Task ServerActivity_ContinuesTheCallersTrace_AndCarriesRpcTags()
    {
        var traceId = ActivityTraceId.CreateRandom();
        var parentSpanId = ActivitySpanId.CreateRandom();
        var stopped = new TaskCompletionSource<Activity>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == GrpcTelemetry.ServerActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.TraceId == traceId)
                {
                    stopped.TrySetResult(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        var headers = new Metadata { { "traceparent", $"00-{traceId}-{parentSpanId}-01" } };

        await Assert.ThrowsAsync<RpcException>(() =>
            _clients.Client.FailAsync(new FailRequest { Field = "f", Description = "d" }, headers, cancellationToken: Ct).ResponseAsync);
        var activity = await stopped.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.Equal(parentSpanId, activity.ParentSpanId);
        Assert.Equal("grpc", activity.GetTagItem(GrpcTelemetry.RpcSystemTag));
        Assert.Equal(Service, activity.GetTagItem(GrpcTelemetry.RpcServiceTag));
        Assert.Equal("Fail", activity.GetTagItem(GrpcTelemetry.RpcMethodTag));
        Assert.Equal((int)StatusCode.InvalidArgument, activity.GetTagItem(GrpcTelemetry.RpcGrpcStatusCodeTag));
    }

    [Fact]
    public async Task ClientActivity_ComesFromTheNamedSource_AndTheServerContinuesItsTrace()
    {
        var client = new TaskCompletionSource<Activity>(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is GrpcTelemetry.ClientActivitySourceName or GrpcTelemetry.ServerActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.Source.Name == GrpcTelemetry.ServerActivitySourceName)
                {
                    server.Enqueue(activity);
                }
                else if (activity.GetTagItem("grpc.method") is "/ecommerce.testing.v1.Interop/EchoMetadata")
                {
                    client.TrySetResult(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        await _clients.Client.EchoMetadataAsync(new EchoRequest { Message = "traced" }, cancellationToken: Ct);
        var clientActivity = await client.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        // The server's request activity can stop just after the caller has its answer.
        await EventuallyAsync(() => server.Any(activity => activity.TraceId == clientActivity.TraceId
            && activity.GetTagItem(GrpcTelemetry.RpcMethodTag) is "EchoMetadata"), "No server activity continued the client's trace.");
    }

    [Fact]
    public async Task EveryCall_IsMeasuredAndLogged_WithItsStatus()
    {
        using var measurements = new DurationRecorder(telemetry.Server.Services, GrpcTelemetry.ServerDurationInstrument);

        await _clients.Client.UnaryAsync(new EchoRequest { Message = "measured" }, cancellationToken: Ct);
        await Assert.ThrowsAsync<RpcException>(() => _clients.Client.FailAsync(new FailRequest(), cancellationToken: Ct).ResponseAsync);

        var unary = Assert.Single(measurements.ForMethod("Unary"));
        Assert.True(unary.Milliseconds > 0);
        Assert.Equal("grpc", unary.Tags[GrpcTelemetry.RpcSystemTag]);
        Assert.Equal(Service, unary.Tags[GrpcTelemetry.RpcServiceTag]);
        Assert.Equal((int)StatusCode.OK, unary.Tags[GrpcTelemetry.RpcGrpcStatusCodeTag]);
        Assert.Equal((int)StatusCode.InvalidArgument, Assert.Single(measurements.ForMethod("Fail")).Tags[GrpcTelemetry.RpcGrpcStatusCodeTag]);

        Assert.Contains(telemetry.Server.Logs.Entries, entry => entry.Level == LogLevel.Information
            && entry.Message.StartsWith($"gRPC call {Service}/Unary finished with OK", StringComparison.Ordinal));
        Assert.Contains(telemetry.Server.Logs.Entries, entry => entry.Level == LogLevel.Information
            && entry.Message.StartsWith($"gRPC call {Service}/Fail finished with InvalidArgument", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EveryCallOurClientMakes_IsMeasuredUntilItsFinalStatus()
    {
        using var measurements = new DurationRecorder(_clients.Services, GrpcTelemetry.ClientDurationInstrument);

        await _clients.Client.UnaryAsync(new EchoRequest { Message = "measured" }, cancellationToken: Ct);
        using (var stream = _clients.Client.ServerStream(new StreamRequest { Message = "m", Count = 2 }, cancellationToken: Ct))
        {
            Assert.Empty(measurements.ForMethod("ServerStream"));
            await stream.ResponseStream.ReadAllAsync(Ct).ToListAsync(Ct);
        }

        await Assert.ThrowsAsync<RpcException>(() => _clients.Client.FailAsync(new FailRequest(), cancellationToken: Ct).ResponseAsync);

        var unary = Assert.Single(measurements.ForMethod("Unary"));
        Assert.Equal(Service, unary.Tags[GrpcTelemetry.RpcServiceTag]);
        Assert.Equal((int)StatusCode.OK, unary.Tags[GrpcTelemetry.RpcGrpcStatusCodeTag]);
        Assert.Equal((int)StatusCode.OK, Assert.Single(measurements.ForMethod("ServerStream")).Tags[GrpcTelemetry.RpcGrpcStatusCodeTag]);
        Assert.Equal((int)StatusCode.InvalidArgument, Assert.Single(measurements.ForMethod("Fail")).Tags[GrpcTelemetry.RpcGrpcStatusCodeTag]);
    }

    /// <summary>Listens to one duration histogram of one service provider's meters.</summary>
    private sealed class DurationRecorder : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<(double Milliseconds, Dictionary<string, object?> Tags)> _measurements = new();

        public DurationRecorder(IServiceProvider services, string instrumentName)
        {
            var meterFactory = services.GetRequiredService<IMeterFactory>();
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == GrpcTelemetry.MeterName && instrument.Meter.Scope == meterFactory && instrument.Name == instrumentName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
                _measurements.Enqueue((value, tags.ToArray().ToDictionary(tag => tag.Key, tag => tag.Value))));
            _listener.Start();
        }

        public IEnumerable<(double Milliseconds, Dictionary<string, object?> Tags)> ForMethod(string method) =>
            _measurements.Where(measurement => Equals(measurement.Tags[GrpcTelemetry.RpcMethodTag], method));

        public void Dispose() => _listener.Dispose();
    }

    /// <summary>Waits for a log line the server writes after the handler has ended, which can be after the caller hears back.</summary>
    private Task LoggedAsync(string messageStart) => EventuallyAsync(
        () => telemetry.Server.Logs.Entries.Any(entry => entry.Message.StartsWith(messageStart, StringComparison.Ordinal)),
        $"Never logged: {messageStart}");

    private static async Task EventuallyAsync(Func<bool> condition, string failure)
    {
        var waited = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(10), failure);
            await Task.Delay(20, Ct);
        }
    }

    public void Dispose() => _clients.Dispose();
}
