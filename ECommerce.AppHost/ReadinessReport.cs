using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ECommerce.AppHost;

/// <summary>
/// What the terminal shows (and scripts read) besides Aspire's own log: the dashboard's log-in address, each resource as it
/// gets ready, the REST edge, and one "Ready:" line once every resource is running and healthy.
/// </summary>
public static class ReadinessReport
{
    /// <summary>The property the dashboard shows as a resource's process id.</summary>
    public const string ProcessIdProperty = "executable.pid";

    public static void Add(IDistributedApplicationBuilder builder)
    {
        // The browser token guards the dashboard (console logs and environment hold secrets); fixed here so it can be printed.
        var token = builder.Configuration["AppHost:BrowserToken"] ??= Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        var dashboard = builder.Configuration["ASPNETCORE_URLS"]?.Split(';')[0];
        var dashboardLine = dashboard is null ? "" : $" Dashboard: {dashboard}/login?t={token}";
        builder.Eventing.Subscribe<BeforeStartEvent>((start, _) =>
        {
            if (dashboard is not null)
            {
                Console.WriteLine($"Dashboard: {dashboard}/login?t={token}");
            }
            // The mesh's own resources; not parameters (values), nor what Aspire adds for itself (the dashboard, project rebuilders).
            var resources = start.Model.Resources.Where(resource => resource is ProjectResource or IResourceWithConnectionString).ToList();
            var pending = resources.Count;
            foreach (var resource in resources)
            {
                builder.Eventing.Subscribe<ResourceReadyEvent>(resource, (ready, _) =>
                {
                    var notifications = ready.Services.GetRequiredService<ResourceNotificationService>();
                    var processId = notifications.TryGetCurrentState(resource.Name, out var state)
                        ? state.Snapshot.Properties.FirstOrDefault(property => property.Name == ReadinessReport.ProcessIdProperty)?.Value
                        : null;
                    Console.WriteLine($"{resource.Name}: ready{(processId is null ? "" : $" (pid {processId})")}");
                    if (Interlocked.Decrement(ref pending) == 0)
                    {
                        foreach (var endpoint in resources.OfType<IResourceWithEndpoints>().SelectMany(r => r.GetEndpoints()).Where(e => e.EndpointAnnotation.IsExternal))
                        {
                            Console.WriteLine($"REST edge: {endpoint.Url} ({endpoint.Resource.Name}/{endpoint.EndpointName})");
                        }
                        Console.WriteLine($"Ready: all {resources.Count} resources are running and healthy.{dashboardLine} Ctrl+C stops everything.");
                    }
                    return Task.CompletedTask;
                });
            }
            return Task.CompletedTask;
        });
    }
}
