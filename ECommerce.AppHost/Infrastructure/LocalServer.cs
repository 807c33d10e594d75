using Aspire.Hosting.ApplicationModel;
using ECommerce.LocalInfrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ECommerce.AppHost.Infrastructure;

/// <summary>
/// How a server the AppHost runs itself (no containers here) takes part in the Aspire run: it starts when
/// the run initialises its resources, shows Starting → Running (or FailedToStart with the reason) in the
/// dashboard, writes its log to the resource's console log, and stops once every service has stopped.
/// Its health checks, not this, say when it is ready; WaitFor waits for both.
/// </summary>
internal static class LocalServer
{
    /// <param name="start">Starts the server (or checks a configured one).</param>
    public static IResourceBuilder<T> StartsWithTheRun<T>(this IResourceBuilder<T> builder,
        Func<T, InitializeResourceEvent, CancellationToken, Task<StartedServer>> start) where T : IResource =>
        builder.OnInitializeResource((resource, initialize, initializing) =>
        {
            var lifetime = initialize.Services.GetRequiredService<IHostApplicationLifetime>();
            var logger = initialize.Logger;
            // In the background: the run initialises every resource at once, and services must not wait on a server they do not use.
            _ = Task.Run(async () =>
            {
                await initialize.Notifications.PublishUpdateAsync(resource, state => state with { State = KnownResourceStates.Starting });
                try
                {
                    var (server, logFile, processId) = await start(resource, initialize, lifetime.ApplicationStopping);
                    if (server is not null)
                    {
                        // After DCP has stopped every service: a database outliving its clients stops cleanly.
                        lifetime.ApplicationStopped.Register(() => server.DisposeAsync().AsTask().GetAwaiter().GetResult());
                    }
                    if (logFile is not null)
                    {
                        _ = FollowAsync(logFile, logger, lifetime.ApplicationStopping);
                    }
                    await initialize.Notifications.PublishUpdateAsync(resource, state => state with
                    {
                        State = KnownResourceStates.Running,
                        StartTimeStamp = DateTime.UtcNow,
                        Properties = processId is null ? state.Properties : [.. state.Properties, new(ReadinessReport.ProcessIdProperty, processId)],
                    });
                }
                catch (OperationCanceledException)
                {
                    // The run stopped while the server was starting.
                }
                catch (Exception e) when (e is InfrastructureException or IOException or Npgsql.NpgsqlException or ArgumentException)
                {
                    logger.LogError("{Message}", e.Message);
                    await initialize.Notifications.PublishUpdateAsync(resource, state => state with { State = KnownResourceStates.FailedToStart });
                }
            });
            return Task.CompletedTask;
        });

    /// <summary>The server's own log file, line by line, into the dashboard's console log of the resource.</summary>
    private static async Task FollowAsync(string logFile, ILogger logger, CancellationToken stopping)
    {
        try
        {
            await using var stream = new FileStream(logFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            while (!stopping.IsCancellationRequested)
            {
                if (await reader.ReadLineAsync(stopping) is { } line)
                {
                    logger.LogInformation("{Line}", line);
                }
                else
                {
                    await Task.Delay(250, stopping);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (IOException e)
        {
            logger.LogWarning("Stopped following {LogFile}: {Message}", logFile, e.Message);
        }
    }
}

/// <summary>What stops a started server (none for a configured one), its log file and its process, where it has them.</summary>
internal sealed record StartedServer(IAsyncDisposable? Server = null, string? LogFile = null, int? ProcessId = null);
