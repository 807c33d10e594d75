using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace ECommerce.ServiceDefaults.Modules;

/// <summary>
/// Telemetry of a service sharing its process. .NET's activity and meter listeners are process-wide, so every
/// service's OpenTelemetry providers see every service's spans and instruments; these filters keep each
/// service's exports to what is its own, under its own service.name.
/// </summary>
internal static class ModuleTelemetry
{
    /// <summary>Exports only the spans <see cref="SharedProcess"/> says belong to <paramref name="module"/>.</summary>
    public static TracerProviderBuilder AddModuleOtlpExporter(this TracerProviderBuilder tracing, string module, IConfiguration configuration)
    {
        var scheduleDelay = configuration.GetValue("OTEL_BSP_SCHEDULE_DELAY", 5000);
        return tracing.AddProcessor(new OwnSpansOnly(module,
            new BatchActivityExportProcessor(new OtlpTraceExporter(new OtlpExporterOptions()), scheduledDelayMilliseconds: scheduleDelay)));
    }

    /// <summary>
    /// Keeps the instruments created through this service's IMeterFactory (ASP.NET Core, Kestrel, gRPC), and the
    /// process-wide ones (runtime, HttpClient) only in the one service chosen to report them.
    /// </summary>
    public static MeterProviderBuilder KeepOwnInstruments(this MeterProviderBuilder metrics, bool exportsProcessMetrics)
    {
        var own = new OwnMeters();
        // Instrumentation factories run once the container exists: the moment its IMeterFactory can be known.
        return metrics
            .AddInstrumentation(services =>
            {
                own.Factory = services.GetRequiredService<IMeterFactory>();
                return own;
            })
            .AddView(instrument =>
                instrument.Meter.Scope is null ? (exportsProcessMetrics ? null : MetricStreamConfiguration.Drop)
                : ReferenceEquals(instrument.Meter.Scope, own.Factory) ? null
                : MetricStreamConfiguration.Drop);
    }

    private sealed class OwnMeters
    {
        public IMeterFactory? Factory { get; set; }
    }

    /// <summary>Names the request and the flow serving it before anything else of the service runs.</summary>
    public static IServiceCollection AddModuleRequestClaim(this IServiceCollection services, string module) =>
        services.AddSingleton<IStartupFilter>(new ClaimRequests(module));

    private sealed class ClaimRequests(string module) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                SharedProcess.ClaimRequest(module, Activity.Current);
                return nextMiddleware(context);
            });
            next(app);
        };
    }

    private sealed class OwnSpansOnly(string module, BaseProcessor<Activity> export) : CompositeProcessor<Activity>([export])
    {
        public override void OnStart(Activity data)
        {
            SharedProcess.Claim(data);
            base.OnStart(data);
        }

        public override void OnEnd(Activity data)
        {
            if (SharedProcess.OwnerOf(data) == module)
            {
                base.OnEnd(data);
            }
        }
    }
}
