using System.Diagnostics;
using System.Net.Http.Json;
using ECommerce.AppHost.Tests.Harness;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Reflection.V1;

namespace ECommerce.AppHost.Tests;

/// <summary>Structured logs and traces the services export over OTLP, as the dashboard's API serves them.</summary>
[Collection(AppHostProcessCollection.Name)]
public sealed class TelemetryTests(RunningMesh mesh)
{
    private static readonly TimeSpan ExportPatience = TimeSpan.FromSeconds(30);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Service_logs_arrive_structured_and_filter_by_service_and_level()
    {
        await mesh.WaitUntilHealthyAsync();

        var logs = await PollAsync<List<LogRow>>("/api/logs?service=gateway&level=Information",
            rows => rows.Any(row => row.Message.StartsWith("Now listening on", StringComparison.Ordinal)));

        var listening = logs.First(row => row.Message.StartsWith("Now listening on", StringComparison.Ordinal));
        Assert.Equal(("gateway", "Information", "Microsoft.Hosting.Lifetime"), (listening.Service, listening.Level, listening.Category));
        Assert.Contains("address", listening.Attributes.Keys, StringComparer.OrdinalIgnoreCase);
        var warningsAndWorse = await mesh.Dashboard.Http.GetFromJsonAsync<List<LogRow>>("/api/logs?service=gateway&level=Warning", Cancellation);
        Assert.DoesNotContain(warningsAndWorse!, row => row.Level is "Information" or "Debug" or "Trace");
        var otherService = await mesh.Dashboard.Http.GetFromJsonAsync<List<LogRow>>("/api/logs?service=nosuchservice", Cancellation);
        Assert.Empty(otherService!);
    }

    [Fact]
    public async Task A_call_carries_its_trace_id_into_the_services_span_and_log_lines()
    {
        var gateway = (await mesh.WaitUntilHealthyAsync()).Single(row => row.Name == "gateway");
        var traceId = ActivityTraceId.CreateRandom().ToHexString();

        using (var channel = GrpcChannel.ForAddress(gateway.Url("grpc")))
        {
            var headers = new Metadata { { "traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01" } };
            using var call = new ServerReflection.ServerReflectionClient(channel).ServerReflectionInfo(headers, cancellationToken: Cancellation);
            await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" }, Cancellation);
            await call.RequestStream.CompleteAsync();
            Assert.True(await call.ResponseStream.MoveNext(Cancellation));
            Assert.Contains(call.ResponseStream.Current.ListServicesResponse.Service, service => service.Name == "grpc.health.v1.Health");
        }

        var spans = await PollAsync<List<SpanRow>>($"/api/traces/{traceId}", rows => rows.Count > 0);
        var served = Assert.Single(spans);
        Assert.Equal(("gateway", "Server"), (served.Service, served.Kind));
        Assert.Equal("grpc.reflection.v1.ServerReflection", served.Attributes["rpc.service"]);

        var logs = await PollAsync<List<LogRow>>($"/api/logs?traceId={traceId}", rows => rows.Count > 0);
        Assert.All(logs, row => Assert.Equal(traceId, row.TraceId));
        Assert.Contains(logs, row => row.Message.Contains("grpc.reflection.v1.ServerReflection/ServerReflectionInfo", StringComparison.Ordinal));

        var traces = await mesh.Dashboard.Http.GetFromJsonAsync<List<TraceRow>>("/api/traces?service=gateway", Cancellation);
        Assert.Contains(traces!, trace => trace.TraceId == traceId && trace.Services.SequenceEqual(["gateway"]));
    }

    [Fact]
    public async Task The_apphosts_own_health_probes_stay_out_of_the_telemetry()
    {
        await mesh.WaitUntilHealthyAsync();
        await Task.Delay(TimeSpan.FromSeconds(3), Cancellation); // more probes than exports

        var logs = await mesh.Dashboard.Http.GetFromJsonAsync<List<LogRow>>("/api/logs?service=gateway&level=Trace", Cancellation);
        var traces = await mesh.Dashboard.Http.GetFromJsonAsync<List<TraceRow>>("/api/traces", Cancellation);

        Assert.DoesNotContain(logs!, row => row.Message.Contains("grpc.health.v1.Health", StringComparison.Ordinal));
        Assert.DoesNotContain(traces!, trace => trace.Name.Contains("grpc.health.v1.Health", StringComparison.Ordinal));
    }

    private sealed record LogRow(string Service, string Level, string Message, string Category, string? TraceId, Dictionary<string, string> Attributes);

    private sealed record SpanRow(string TraceId, string Service, string Name, string Kind, Dictionary<string, string> Attributes);

    private sealed record TraceRow(string TraceId, string Name, List<string> Services);

    private Task<T> PollAsync<T>(string path, Func<T, bool> done) where T : class =>
        mesh.Dashboard.PollAsync(path, done, ExportPatience, Cancellation);
}
