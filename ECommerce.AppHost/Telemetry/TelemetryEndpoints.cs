using ECommerce.AppHost.Telemetry.Otlp;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ECommerce.AppHost.Telemetry;

/// <summary>
/// An OTLP/HTTP receiver (binary protobuf: POST /v1/logs, /v1/traces; /v1/metrics is accepted and
/// dropped) on the dashboard's port, and the queries the dashboard's log and trace views use.
/// Services find it through OTEL_EXPORTER_OTLP_ENDPOINT and OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf.
/// </summary>
internal static class TelemetryEndpoints
{
    private const string Protobuf = "application/x-protobuf";
    private const int DefaultLimit = 500;

    public static void MapTelemetry(this WebApplication app, TelemetryStore store)
    {
        app.MapPost("/v1/logs", (HttpRequest request) => ReceiveAsync(request, ExportLogsServiceRequest.Parser, store.Add));
        app.MapPost("/v1/traces", (HttpRequest request) => ReceiveAsync(request, ExportTraceServiceRequest.Parser, store.Add));
        app.MapPost("/v1/metrics", () => Results.Bytes([], Protobuf));

        app.MapGet("/api/telemetry/services", () => store.Services());
        app.MapGet("/api/logs", (string? service, string? level, string? traceId, int? limit) =>
            store.Logs(Blank(service), Blank(level), Blank(traceId), limit ?? DefaultLimit));
        app.MapGet("/api/traces", (string? service, int? limit) => store.Traces(Blank(service), limit ?? DefaultLimit));
        app.MapGet("/api/traces/{traceId}", (string traceId) => store.Trace(traceId) is { Count: > 0 } spans ? Results.Ok(spans) : Results.NotFound());
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
