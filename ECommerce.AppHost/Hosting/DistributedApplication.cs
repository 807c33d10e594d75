using System.Net;
using ECommerce.AppHost.Dashboard;
using ECommerce.AppHost.Orchestration;
using ECommerce.AppHost.Resources;
using ECommerce.AppHost.Telemetry;
using ECommerce.LocalInfrastructure;
using ECommerce.LocalInfrastructure.Processes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ECommerce.AppHost.Hosting;

/// <summary>
/// One run of the mesh: serves the dashboard, starts every resource, and on Ctrl+C or SIGTERM stops
/// them all in reverse order before exiting. If the AppHost is killed outright, every process it
/// started receives its stop signal from the kernel (see ChildProcess).
/// </summary>
public sealed class DistributedApplication
{
    private readonly IReadOnlyList<Resource> _resources;
    private readonly AppHostOptions _options;
    private readonly RepositoryLayout _repository;
    private readonly AppHostConsole _console;

    internal DistributedApplication(IReadOnlyList<Resource> resources, AppHostOptions options, RepositoryLayout repository, AppHostConsole console)
    {
        _resources = resources;
        _options = options;
        _repository = repository;
        _console = console;
    }

    /// <summary>Runs until Ctrl+C, SIGTERM or <paramref name="cancellationToken"/>; returns the process exit code.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await RunCoreAsync(cancellationToken);
            return 0;
        }
        catch (InfrastructureException e)
        {
            _console.Error(e.Message);
            return 1;
        }
    }

    private async Task RunCoreAsync(CancellationToken cancellationToken)
    {
        PrepareDataDirectory(_options);
        // The port is chosen before anything starts: services are told it, as their OTLP endpoint.
        var dashboardPort = _options.DashboardPort == 0 ? Loopback.FreePort() : _options.DashboardPort;
        Loopback.EnsurePortFree("Dashboard", dashboardPort);
        var dashboardUrl = $"http://{Loopback.Host}:{dashboardPort}";

        var orchestrator = new Orchestrator(_resources, new RunContext(_options, _repository, dashboardUrl), _console);
        var telemetry = new TelemetryStore();
        var web = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        web.Logging.SetMinimumLevel(LogLevel.Warning);
        web.Services.Configure<ConsoleLifetimeOptions>(lifetime => lifetime.SuppressStatusMessages = true);
        // The dashboard answers only to loopback names, so a web page cannot reach it through DNS rebinding.
        web.Configuration["AllowedHosts"] = "localhost;127.0.0.1";
        web.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, dashboardPort));
        var otlpGrpc = OtlpGrpcReceiver.Add(web, telemetry); // OTLP/gRPC needs an HTTP/2-only port: a free one, its own
        await using var app = web.Build();
        app.MapDashboard(orchestrator);
        app.MapTelemetry(telemetry, otlpGrpc);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException e)
        {
            throw new InfrastructureException("Dashboard", $"could not listen on {dashboardUrl}: {e.Message}",
                $"stop whatever listens there (`ss -ltnp 'sport = :{dashboardPort}'` shows it) or choose another port with --dashboard-port.", inner: e);
        }

        _console.Info($"ECommerce AppHost ({_options.Mode.ToString().ToLowerInvariant()}): {_resources.Count} resources, data in {_options.DataDirectory}");
        _console.Info($"Dashboard: {dashboardUrl}");
        _console.Info($"OTLP/gRPC: {otlpGrpc.Url}");
        orchestrator.Start();

        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onStopping = app.Lifetime.ApplicationStopping.Register(() => stopping.TrySetResult());
        using var onCancel = cancellationToken.Register(app.Lifetime.StopApplication);
        var readiness = orchestrator.ReportReadinessAsync(() => ReportReady(orchestrator, dashboardUrl), app.Lifetime.ApplicationStopping);

        await stopping.Task;
        _console.Info("Stopping every resource, in reverse start order...");
        await orchestrator.StopAsync();
        await readiness.ContinueWith(_ => { }, TaskScheduler.Default);
        await app.StopAsync(CancellationToken.None);
        _console.Info("Stopped.");
    }

    private void ReportReady(Orchestrator orchestrator, string dashboardUrl)
    {
        var edges = orchestrator.Supervisors
            .Select(supervisor => supervisor.Snapshot())
            .SelectMany(snapshot => snapshot.Endpoints.Where(endpoint => endpoint.IsExternal).Select(endpoint => (snapshot.Name, endpoint)));
        foreach (var (name, endpoint) in edges)
        {
            _console.Info($"REST edge: {endpoint.Url} ({name}/{endpoint.Name})");
        }
        _console.Info($"Ready: all {orchestrator.Supervisors.Count} resources are running and healthy. Dashboard: {dashboardUrl} — Ctrl+C stops everything.");
    }

    private static void PrepareDataDirectory(AppHostOptions options)
    {
        try
        {
            Directory.CreateDirectory(options.DataDirectory);
            // Console logs are per run: the dashboard shows what this run's processes wrote.
            if (Directory.Exists(options.LogsDirectory))
            {
                Directory.Delete(options.LogsDirectory, recursive: true);
            }
            Directory.CreateDirectory(options.LogsDirectory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InfrastructureException("AppHost data directory", $"{options.DataDirectory} cannot be used: {e.Message}",
                "choose a writable folder with --data-dir, or fix the folder's permissions.", inner: e);
        }
    }
}
