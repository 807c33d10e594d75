using System.Runtime.InteropServices;
using ECommerce.Grpc.InProcess;
using ECommerce.ServiceDefaults.Modules;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace ECommerce.Monolith.Hosting;

/// <summary>
/// Runs the hosted services: starts them one after the other in declaration order, and stops them in reverse
/// on SIGTERM or Ctrl+C. A service that fails, or stops on its own, stops the process with exit code 1: a
/// monolith lives and dies as one (its supervisor, e.g. the AppHost, restarts it).
/// </summary>
public sealed class Monolith
{
    private readonly IReadOnlyList<ModuleDefinition> _modules;
    private readonly MonolithBuilder _builder;
    private readonly string? _configurationError;

    internal Monolith(IReadOnlyList<ModuleDefinition> modules, MonolithBuilder builder, string? configurationError)
    {
        _modules = modules;
        _builder = builder;
        _configurationError = configurationError;
    }

    /// <returns>0 once stopped by a signal; 1 when a service failed; 2 for configuration it cannot run with.</returns>
    public async Task<int> RunAsync()
    {
        if (_configurationError is not null)
        {
            Console.Error.WriteLine($"monolith: {_configurationError}");
            return 2;
        }

        using var stop = new CancellationTokenSource();
        var exitCode = 0;
        void RequestStop(int code)
        {
            if (!stop.IsCancellationRequested)
            {
                exitCode = code;
                stop.Cancel();
            }
        }
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal => { signal.Cancel = true; RequestStop(0); });
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, signal => { signal.Cancel = true; RequestStop(0); });

        var network = new InProcessNetwork();
        var started = new List<(ModuleDefinition Module, WebApplication App)>();
        var current = "startup";
        try
        {
            foreach (var module in _modules)
            {
                current = module.Name;
                var app = _builder.BuildModule(module, _modules, network);
                started.Add((module, app));
                await StartAsync(module, app, stop.Token);
                // A service stopping by itself (a failed background service, StopApplication) stops the process.
                app.Lifetime.ApplicationStopping.Register(() => RequestStop(1));
                Console.WriteLine($"monolith: {module.Name} started");
            }
            Console.WriteLine($"monolith: {started.Count} services running in process {Environment.ProcessId}: {string.Join(", ", _modules.Select(m => m.Name))}");
            await Task.Delay(Timeout.Infinite, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Console.Error.WriteLine($"monolith: {current} failed: {e.Message}");
            exitCode = 1;
        }
        catch (OperationCanceledException)
        {
            // Stopped while starting.
        }

        for (var i = started.Count - 1; i >= 0; i--)
        {
            var (module, app) = started[i];
            try
            {
                await app.StopAsync(CancellationToken.None);
                await app.DisposeAsync();
                Console.WriteLine($"monolith: {module.Name} stopped");
            }
            catch (Exception e)
            {
                Console.Error.WriteLine($"monolith: {module.Name} did not stop cleanly: {e.Message}");
                exitCode = 1;
            }
        }
        return exitCode;
    }

    /// <summary>Everything the service starts (hosted services, consumers, timers) belongs to it (see SharedProcess).</summary>
    private static async Task StartAsync(ModuleDefinition module, WebApplication app, CancellationToken cancellationToken)
    {
        SharedProcess.Enter(module.Name);
        await app.StartAsync(cancellationToken);
    }
}
