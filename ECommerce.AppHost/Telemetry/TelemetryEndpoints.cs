using ECommerce.AppHost.Telemetry.Otlp;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ECommerce.AppHost.Telemetry;

/// <summary>
/// An OTLP/HTTP receiver (binary protobuf: POST /v1/logs, /v1/traces, /v1/metrics) on the dashboard's
/// port, the OTLP/gRPC receiver on its own port (<see cref="OtlpGrpcReceiver"/>), and the queries the
/// dashboard's log, trace and metrics views use. Services find the HTTP one through
/// OTEL_EXPORTER_OTLP_ENDPOINT and OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf.
/// </summary>
internal static class TelemetryEndpoints
{
    private const string Protobuf = "application/x-protobuf";
    private const int DefaultLimit = 500;
    private const int DefaultMinutes = 5;
    private const int MaxMinutes = 15;
    private const int DefaultStepSeconds = 10;

    public static void MapTelemetry(this WebApplication app, TelemetryStore store, OtlpGrpcReceiver grpcReceiver)
    {
        app.MapPost("/v1/logs", (HttpRequest request) => ReceiveAsync(request, ExportLogsServiceRequest.Parser, store.Add));
        app.MapPost("/v1/traces", (HttpRequest request) => ReceiveAsync(request, ExportTraceServiceRequest.Parser, store.Add));
        app.MapPost("/v1/metrics", (HttpRequest request) => ReceiveAsync(request, ExportMetricsServiceRequest.Parser, store.Add));
        grpcReceiver.Map(app);
        app.MapGet("/api/telemetry/receivers", (HttpRequest request) =>
            new { OtlpHttp = $"{request.Scheme}://{request.Host}", OtlpGrpc = grpcReceiver.Url });

        app.MapGet("/api/telemetry/services", () => store.Services());
        app.MapGet("/api/logs", (string? service, string? level, string? traceId, int? limit) =>
            store.Logs(Blank(service), Blank(level), Blank(traceId), limit ?? DefaultLimit));
        app.MapGet("/api/traces", (string? service, int? limit) => store.Traces(Blank(service), limit ?? DefaultLimit));
        app.MapGet("/api/traces/{traceId}", (string traceId) => store.Trace(traceId) is { Count: > 0 } spans ? Results.Ok(spans) : Results.NotFound());

        app.MapGet("/api/metrics/instruments", (string? service) => Blank(service) is { } name
            ? Results.Ok(store.Metrics.Instruments(name))
            : Results.BadRequest("Name the service: /api/metrics/instruments?service=<name> (GET /api/telemetry/services lists them)."));
        app.MapGet("/api/metrics", (string? service, string? name, int? minutes, int? step) =>
        {
            if (Blank(service) is not { } serviceName || Blank(name) is not { } instrument)
            {
                return Results.BadRequest("Name the service and the instrument: /api/metrics?service=<service>&name=<instrument>.");
            }
            var window = TimeSpan.FromMinutes(Math.Clamp(minutes ?? DefaultMinutes, 1, MaxMinutes));
            var stepLength = TimeSpan.FromSeconds(Math.Clamp(step ?? DefaultStepSeconds, 1, 300));
            return store.Metrics.Metric(serviceName, instrument, window, stepLength) is { } view ? Results.Ok(view) : Results.NotFound();
        });
    }

    private static async Task<IResult> ReceiveAsync<TMessage>(HttpRequest request, MessageParser<TMessage> parser, Action<TMessage> add)
        where TMessage : IMessage<TMessage>
    {
        if (request.ContentType?.StartsWith(Protobuf, StringComparison.OrdinalIgnoreCase) != true)
        {
            return Results.Text($"Only OTLP/HTTP with {Protobuf} bodies is received here; set OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf.",
                statusCode: StatusCodes.Status415UnsupportedMediaType);
        }
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, request.HttpContext.RequestAborted);
        try
        {
            add(parser.ParseFrom(body.ToArray()));
        }
        catch (InvalidProtocolBufferException e)
        {
            return Results.Text($"Not an OTLP message: {e.Message}", statusCode: StatusCodes.Status400BadRequest);
        }
        // An empty Export*ServiceResponse: everything was accepted.
        return Results.Bytes([], Protobuf);
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
