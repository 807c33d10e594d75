using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using ECommerce.AppHost.Tests.Harness;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ECommerce.AppHost.Tests;

/// <summary>
/// The dashboard's OTLP receivers: OTLP/gRPC from the OpenTelemetry .NET SDK's own exporter and from
/// an independent gRPC implementation (Python grpcio), bad input over gRPC and HTTP, and the metrics
/// the running mesh's services export.
/// </summary>
[Collection(AppHostProcessCollection.Name)]
public sealed class OtlpReceiverTests(RunningMesh mesh)
{
    /// <summary>Services export metrics every 60 s unless told otherwise (OTEL_METRIC_EXPORT_INTERVAL).</summary>
    private static readonly TimeSpan MetricsPatience = TimeSpan.FromSeconds(180);
    private static readonly TimeSpan ExportPatience = TimeSpan.FromSeconds(30);
    private const string Python = "/usr/bin/python3"; // Debian's, which has python3-grpcio; the pyenv one on PATH does not

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_dotnet_sdks_otlp_grpc_exporter_delivers_spans_logs_and_metrics_under_its_service_name()
    {
        var grpcUrl = await GrpcReceiverAsync();
        var service = $"otlpgrpc{Guid.NewGuid():N}"[..20];
        var resource = ResourceBuilder.CreateEmpty().AddService(service, serviceInstanceId: $"{service}-0");
        void Grpc(OtlpExporterOptions exporter)
        {
            exporter.Endpoint = new Uri(grpcUrl);
            exporter.Protocol = OtlpExportProtocol.Grpc;
        }

        // Spans
        var sourceName = $"OtlpReceiverTests.{service}";
        using (var source = new ActivitySource(sourceName))
        using (var tracing = Sdk.CreateTracerProviderBuilder().SetResourceBuilder(resource).AddSource(sourceName)
            .AddOtlpExporter(exporter => { Grpc(exporter); exporter.ExportProcessorType = ExportProcessorType.Simple; }).Build())
        {
            using (var checkout = source.StartActivity("checkout", ActivityKind.Server))
            {
                checkout?.SetTag("order.id", "42");
                using var charge = source.StartActivity("charge", ActivityKind.Client);
            }
            Assert.True(tracing.ForceFlush(10_000));
        }

        // Logs
        using (var loggers = LoggerFactory.Create(logging => logging.AddOpenTelemetry(options =>
        {
            options.SetResourceBuilder(resource);
            options.IncludeFormattedMessage = true;
            options.AddOtlpExporter(Grpc);
        })))
        {
            loggers.CreateLogger("OtlpReceiverTests.Orders").LogWarning("Order {OrderId} shipped over OTLP/gRPC", 42);
        }

        // Metrics: two exports of cumulative points, so that the second is a delta from the first.
        using var meter = new Meter($"OtlpReceiverTests.{service}");
        var orders = meter.CreateCounter<long>("shop.orders", description: "Orders placed.");
        var duration = meter.CreateHistogram<double>("shop.checkout.duration", unit: "ms", description: "Checkout time.");
        var queue = meter.CreateObservableGauge("shop.queue.length", () => 7);
        using (var metrics = Sdk.CreateMeterProviderBuilder().SetResourceBuilder(resource).AddMeter(meter.Name)
            .AddOtlpExporter((exporter, reader) =>
            {
                Grpc(exporter);
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 600_000; // only when flushed
            }).Build())
        {
            orders.Add(2);
            duration.Record(3); // bucket (0, 5]
            Assert.True(metrics.ForceFlush(10_000));
            await Task.Delay(TimeSpan.FromMilliseconds(1100), Cancellation); // the next point is a later one
            orders.Add(3);
            foreach (var milliseconds in new[] { 20.0, 20, 20, 20, 20, 20, 20, 20, 20, 300 })
            {
                duration.Record(milliseconds); // nine in (10, 25], one in (250, 500]
            }
            Assert.True(metrics.ForceFlush(10_000));
        }

        var traces = await PollAsync<List<TraceRow>>($"/api/traces?service={service}", rows => rows.Count > 0);
        var trace = Assert.Single(traces);
        Assert.Equal(("checkout", 2), (trace.Name, trace.Spans));
        Assert.Equal([service], trace.Services);
        var spans = await mesh.Dashboard.Http.GetFromJsonAsync<List<SpanRow>>($"/api/traces/{trace.TraceId}", Cancellation);
        Assert.Contains(spans!, span => span is { Name: "checkout", Kind: "Server" } && span.Attributes["order.id"] == "42" && span.Instance == $"{service}-0");

        var logs = await PollAsync<List<LogRow>>($"/api/logs?service={service}", rows => rows.Count > 0);
        var log = Assert.Single(logs);
        Assert.Equal(("Warning", "OtlpReceiverTests.Orders", "Order 42 shipped over OTLP/gRPC"), (log.Level, log.Category, log.Message));

        var instruments = await PollAsync<List<InstrumentRow>>($"/api/metrics/instruments?service={service}",
            rows => rows.SingleOrDefault(row => row.Name == "shop.orders")?.Value == 5);
        Assert.Equal(["shop.checkout.duration", "shop.orders", "shop.queue.length"], instruments.Select(row => row.Name));
        var counter = instruments.Single(row => row.Name == "shop.orders");
        Assert.Equal(("Sum", true, "Orders placed."), (counter.Kind, counter.Monotonic, counter.Description));
        Assert.Equal(("Gauge", 7.0), (instruments.Single(row => row.Name == "shop.queue.length").Kind, instruments.Single(row => row.Name == "shop.queue.length").Value));
        var histogram = instruments.Single(row => row.Name == "shop.checkout.duration");
        Assert.Equal(("Histogram", "ms", 11.0), (histogram.Kind, histogram.Unit, histogram.Value));
        Assert.True(histogram.Rate > 0, $"rate {histogram.Rate}");

        var view = (await mesh.Dashboard.Http.GetFromJsonAsync<MetricView>($"/api/metrics?service={service}&name=shop.checkout.duration&minutes=2&step=5", Cancellation))!;
        Assert.Equal(("Histogram", "Cumulative", 5.0), (view.Kind, view.Temporality, view.StepSeconds));
        var series = Assert.Single(view.Series);
        Assert.Equal(($"{service}-0", 11ul, 3.0 + 9 * 20 + 300), (series.Instance, series.Count, series.Sum));
        Assert.Equal(series.Bounds!.Count + 1, series.BucketCounts!.Count);
        Assert.Equal(24, view.Timeline.Count);
        // The second export's ten measurements: the median is in (10, 25], the 95th percentile in (250, 500].
        var bins = string.Join("; ", view.Timeline.Select(bin => $"{bin.Rate} {bin.P50} {bin.P95}"));
        Assert.True(view.Timeline.Any(bin => bin.Rate > 0 && bin.P50 is >= 10 and <= 25), bins);
        Assert.True(view.Timeline.Any(bin => bin.P95 is > 250 and <= 500), bins);

        var services = await mesh.Dashboard.Http.GetFromJsonAsync<List<string>>("/api/telemetry/services", Cancellation);
        Assert.Contains(service, services!);
    }

    [Fact]
    public async Task An_independent_grpc_client_is_answered_and_garbage_gets_a_clear_error_over_grpc_and_http()
    {
        var grpcUrl = await GrpcReceiverAsync();
        var service = $"pyotlp{Guid.NewGuid():N}"[..16];

        var (exitCode, output) = await RunPythonAsync(PythonClient, new Uri(grpcUrl).Authority, service);

        Assert.True(exitCode == 0, output);
        Assert.Contains("valid: OK", output, StringComparison.Ordinal);
        // Bytes that are no protobuf message: INVALID_ARGUMENT, saying what was expected.
        Assert.Contains("garbage: INVALID_ARGUMENT opentelemetry.proto.collector.metrics.v1.MetricsService/Export: the request is not an OTLP ExportMetricsServiceRequest",
            output, StringComparison.Ordinal);
        Assert.Contains("unknown method: UNIMPLEMENTED", output, StringComparison.Ordinal);
        var logs = await PollAsync<List<LogRow>>($"/api/logs?service={service}", rows => rows.Count > 0);
        Assert.Equal(("Information", "hello from grpcio"), (Assert.Single(logs).Level, logs[0].Message));

        // OTLP/HTTP: garbage is a 400, JSON a 415, both saying why.
        using var garbage = new ByteArrayContent([0xff, 0xff, 0xff, 0xff, 0x0f]);
        garbage.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        using var badProtobuf = await mesh.Dashboard.Http.PostAsync("/v1/metrics", garbage, Cancellation);
        Assert.Equal(HttpStatusCode.BadRequest, badProtobuf.StatusCode);
        Assert.StartsWith("Not an OTLP message", await badProtobuf.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
        using var json = await mesh.Dashboard.Http.PostAsync("/v1/metrics", JsonContent.Create(new { resourceMetrics = Array.Empty<object>() }), Cancellation);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, json.StatusCode);

        // The query endpoints say what they need.
        using var noService = await mesh.Dashboard.Http.GetAsync("/api/metrics/instruments", Cancellation);
        Assert.Equal(HttpStatusCode.BadRequest, noService.StatusCode);
        using var unknown = await mesh.Dashboard.Http.GetAsync($"/api/metrics?service={service}&name=no.such.instrument", Cancellation);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task The_gateways_request_duration_histogram_shows_rest_requests_with_a_rate()
    {
        var gateway = (await mesh.WaitUntilHealthyAsync()).Single(row => row.Name == "gateway");
        using var rest = new HttpClient { BaseAddress = new Uri(gateway.Url("http")) };
        // Other tests of this collection call the gateway too, so the instrument may show a rate before the
        // export carrying these GETs arrives: wait for their own series, not for any rate.
        static bool IsTheseGets(SeriesRow series) => series.Attributes.GetValueOrDefault("http.request.method") == "GET"
            && series.Attributes.GetValueOrDefault("http.response.status_code") == "200"
            && series.Attributes.GetValueOrDefault("http.route") == "/openapi/v1.json" && series.Count > 0;
        var clock = Stopwatch.StartNew();
        InstrumentRow? requests = null;
        MetricView? view = null;
        while (requests is not { Rate: > 0 } || view is null || !view.Series.Any(IsTheseGets))
        {
            Assert.True(clock.Elapsed < MetricsPatience,
                $"http.server.request.duration of the gateway showed no rate for GET /openapi/v1.json within {MetricsPatience.TotalSeconds:0} s; last seen: {requests}, series: "
                + string.Join("; ", view?.Series.Select(series => string.Join(",", series.Attributes.Select(pair => $"{pair.Key}={pair.Value}"))) ?? []));
            for (var i = 0; i < 5; i++)
            {
                using var response = await rest.GetAsync("/openapi/v1.json", Cancellation);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
            await Task.Delay(500, Cancellation);
            var instruments = await mesh.Dashboard.Http.GetFromJsonAsync<List<InstrumentRow>>("/api/metrics/instruments?service=gateway", Cancellation);
            requests = instruments!.SingleOrDefault(row => row.Name == "http.server.request.duration");
            using var found = await mesh.Dashboard.Http.GetAsync("/api/metrics?service=gateway&name=http.server.request.duration", Cancellation);
            view = found.IsSuccessStatusCode ? await found.Content.ReadFromJsonAsync<MetricView>(Cancellation) : null;
        }

        Assert.Equal(("Histogram", "s"), (requests.Kind, requests.Unit));
        Assert.NotNull(requests.P50);
        Assert.DoesNotContain(view.Series, series => series.Attributes.GetValueOrDefault("http.route", "").StartsWith("/grpc.health.v1.Health/", StringComparison.Ordinal));
        Assert.Contains(view.Timeline, bin => bin.Rate > 0);
    }

    private async Task<string> GrpcReceiverAsync()
    {
        await mesh.WaitUntilHealthyAsync();
        var printed = await mesh.Host.Output.WaitForAsync("OTLP/gRPC: ", TimeSpan.FromSeconds(10), Cancellation);
        var receivers = await mesh.Dashboard.Http.GetFromJsonAsync<Receivers>("/api/telemetry/receivers", Cancellation);
        Assert.Equal(printed["OTLP/gRPC: ".Length..], receivers!.OtlpGrpc);
        Assert.Equal(mesh.Dashboard.Address.ToString().TrimEnd('/'), receivers.OtlpHttp);
        return receivers.OtlpGrpc;
    }


    private static async Task<(int ExitCode, string Output)> RunPythonAsync(string script, params string[] arguments)
    {
        var start = new ProcessStartInfo(Python) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(script);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(Cancellation);
        var errors = process.StandardError.ReadToEndAsync(Cancellation);
        await process.WaitForExitAsync(Cancellation);
        return (process.ExitCode, await output + await errors);
    }

    /// <summary>
    /// grpcio with hand-encoded OTLP bytes (no generated code, so nothing is shared with the receiver):
    /// one valid ExportLogsServiceRequest, bytes that are no message, and a method that does not exist.
    /// </summary>
    private const string PythonClient = """
        import sys, grpc

        def varint(n):
            out = bytearray()
            while True:
                byte = n & 0x7f
                n >>= 7
                out.append(byte | (0x80 if n else 0))
                if not n:
                    return bytes(out)

        def field(number, payload):  # length-delimited
            return varint(number << 3 | 2) + varint(len(payload)) + payload

        def string_value(text):  # AnyValue.string_value
            return field(1, text.encode())

        address, service = sys.argv[1], sys.argv[2]
        attribute = field(1, b"service.name") + field(2, string_value(service))          # KeyValue
        resource = field(1, attribute)                                                   # Resource.attributes
        record = varint(2 << 3) + varint(9) + field(5, string_value("hello from grpcio"))  # severity INFO, body
        scope_logs = field(2, record)                                                    # ScopeLogs.log_records
        request = field(1, field(1, resource) + field(2, scope_logs))                    # resource_logs

        with grpc.insecure_channel(address) as channel:
            logs = channel.unary_unary("/opentelemetry.proto.collector.logs.v1.LogsService/Export")
            logs(request, timeout=10)
            print("valid: OK")
            metrics = channel.unary_unary("/opentelemetry.proto.collector.metrics.v1.MetricsService/Export")
            try:
                metrics(b"\xff\xff\xff\xff\x0f", timeout=10)
                print("garbage: OK")
            except grpc.RpcError as error:
                print("garbage:", error.code().name, error.details())
            try:
                channel.unary_unary("/opentelemetry.proto.collector.profiles.v1.ProfilesService/Export")(b"", timeout=10)
                print("unknown method: OK")
            except grpc.RpcError as error:
                print("unknown method:", error.code().name, error.details())
        """;

    private sealed record Receivers(string OtlpHttp, string OtlpGrpc);

    private sealed record LogRow(string Service, string Level, string Message, string Category);

    private sealed record TraceRow(string TraceId, string Name, int Spans, List<string> Services);

    private sealed record SpanRow(string Name, string Kind, string? Instance, Dictionary<string, string> Attributes);

    private sealed record InstrumentRow(string Name, string Description, string Unit, string Kind, bool Monotonic, int Series, double? Value, double? Rate, double? P50, double? P95);

    private sealed record MetricView(string Kind, string Temporality, double StepSeconds, List<SeriesRow> Series, List<BinRow> Timeline);

    private sealed record SeriesRow(string? Instance, Dictionary<string, string> Attributes, double? Value, ulong? Count, double? Sum, List<double>? Bounds, List<ulong>? BucketCounts);

    private sealed record BinRow(DateTimeOffset Time, double? Value, double? Rate, double? P50, double? P95);

    private Task<T> PollAsync<T>(string path, Func<T, bool> done) where T : class =>
        mesh.Dashboard.PollAsync(path, done, ExportPatience, Cancellation);
}
