using System.Text.Json.Serialization;
using ECommerce.AppHost.Orchestration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ECommerce.AppHost.Dashboard;

/// <summary>
/// The dashboard: a page (embedded HTML/JS, no build step) over a small JSON API.
/// GET /api/resources lists every replica; POST /api/resources/{name}/{stop|start|restart} acts on one;
/// GET /api/resources/{name}/logs streams its console log as server-sent events.
/// </summary>
internal static class DashboardEndpoints
{
    /// <summary>
    /// Actions must carry this header. A page on another site cannot add it without the browser asking
    /// the dashboard first (CORS preflight), which it never allows; so no web page can stop a resource.
    /// </summary>
    public const string ActionHeader = "X-Dashboard-Action";

    public static void MapDashboard(this WebApplication app, Orchestrator orchestrator)
    {
        app.MapGet("/", () => Asset("index.html", "text/html; charset=utf-8"));
        app.MapGet("/dashboard.js", () => Asset("dashboard.js", "text/javascript; charset=utf-8"));
        app.MapGet("/dashboard.css", () => Asset("dashboard.css", "text/css; charset=utf-8"));

        var api = app.MapGroup("/api/resources");
        api.MapGet("/", () => orchestrator.Supervisors.Select(supervisor => ResourceView.From(supervisor.Snapshot())));
        api.MapPost("/{name}/{action}", ActAsync);
        api.MapGet("/{name}/logs", (string name, CancellationToken cancellationToken) =>
            orchestrator.Find(name) is { } supervisor
                ? Results.ServerSentEvents(ConsoleLog.FollowAsync(supervisor, cancellationToken))
                : Results.NotFound());

        async Task<Results<Ok<ResourceView>, NotFound, BadRequest<string>, Conflict<string>>> ActAsync(string name, string action, HttpRequest request)
        {
            if (!request.Headers.ContainsKey(ActionHeader))
            {
                return TypedResults.BadRequest($"Actions need the {ActionHeader} header.");
            }
            if (orchestrator.Find(name) is not { } supervisor)
            {
                return TypedResults.NotFound();
            }
            if (!supervisor.CanStopAlone)
            {
                return TypedResults.Conflict($"{name} runs inside the AppHost: it starts and stops with it.");
            }
            Func<Task>? perform = action switch
            {
                "stop" => supervisor.StopAsync,
                "start" => supervisor.StartAsync,
                "restart" => supervisor.RestartAsync,
                _ => null,
            };
            if (perform is null)
            {
                return TypedResults.BadRequest($"'{action}' is not an action; use stop, start or restart.");
            }
            await perform();
            return TypedResults.Ok(ResourceView.From(supervisor.Snapshot()));
        }
    }

    private static IResult Asset(string name, string contentType)
    {
        var stream = typeof(DashboardEndpoints).Assembly.GetManifestResourceStream($"Dashboard/{name}")
            ?? throw new InvalidOperationException($"The dashboard asset {name} is not embedded in the AppHost.");
        return Results.Stream(stream, contentType);
    }
}

/// <summary>One row of the dashboard's resource table.</summary>
internal sealed record ResourceView(
    string Name,
    string Resource,
    string Kind,
    [property: JsonConverter(typeof(JsonStringEnumConverter<ResourceState>))] ResourceState State,
    [property: JsonConverter(typeof(JsonStringEnumConverter<ResourceHealth>))] ResourceHealth Health,
    IReadOnlyList<ResourceEndpoint> Endpoints,
    int? ProcessId,
    int Restarts,
    DateTimeOffset? StartedAt,
    double? UptimeSeconds,
    bool CanStop,
    string? LogFile,
    string? Error)
{
    public static ResourceView From(ResourceSnapshot snapshot) => new(
        snapshot.Name, snapshot.Resource, snapshot.Kind, snapshot.State, snapshot.Health, snapshot.Endpoints,
        snapshot.ProcessId, snapshot.Restarts, snapshot.StartedAt,
        snapshot.StartedAt is { } started ? Math.Round((DateTimeOffset.UtcNow - started).TotalSeconds) : null,
        snapshot.CanStop, snapshot.LogFile, snapshot.Error);
}
