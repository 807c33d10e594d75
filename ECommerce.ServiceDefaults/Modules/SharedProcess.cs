using System.Diagnostics;
using Microsoft.Extensions.Configuration;

namespace ECommerce.ServiceDefaults.Modules;

/// <summary>
/// What a service needs to know when it is one of several hosted in one process (the monolith): its name,
/// and which of them reports the process-wide metrics. Each service keeps its own container, configuration
/// and endpoints; what the process shares is what .NET keeps process-wide (activity and meter listeners),
/// and this class says which service a span belongs to so each one exports only its own.
/// </summary>
public static class SharedProcess
{
    /// <summary>Configuration key holding the service's name, set by the host of a shared process.</summary>
    public const string ModuleKey = "Monolith:Module";

    /// <summary>Configuration key set to true for the one service that exports the process's own metrics (runtime, outgoing HTTP).</summary>
    public const string ProcessMetricsKey = "Monolith:ProcessMetrics";

    private const string OwnerProperty = "ecommerce.module";

    private static readonly AsyncLocal<string?> CurrentModule = new();

    /// <summary>The service's name when it shares its process with others, otherwise null.</summary>
    public static string? ModuleName(IConfiguration configuration) =>
        string.IsNullOrWhiteSpace(configuration[ModuleKey]) ? null : configuration[ModuleKey];

    public static bool ExportsProcessMetrics(IConfiguration configuration) =>
        ModuleName(configuration) is null || configuration.GetValue<bool>(ProcessMetricsKey);

    /// <summary>
    /// Marks the calling flow as <paramref name="module"/>'s: work started from it (hosted services, timers,
    /// consumers) and the spans it starts belong to that service. Undone when the calling async method returns.
    /// </summary>
    public static void Enter(string module) => CurrentModule.Value = module;

    /// <summary>Which service started <paramref name="activity"/>: recorded once, when it starts.</summary>
    internal static void Claim(Activity activity)
    {
        if (activity.GetCustomProperty(OwnerProperty) is null
            && (CurrentModule.Value ?? activity.Parent?.GetCustomProperty(OwnerProperty)) is { } owner)
        {
            activity.SetCustomProperty(OwnerProperty, owner);
        }
    }

    /// <summary>
    /// A served request's span starts in the server before any service code runs (Kestrel does not flow the
    /// caller's context into a connection); the service's first middleware names it, and itself, here.
    /// </summary>
    internal static void ClaimRequest(string module, Activity? requestActivity)
    {
        Enter(module);
        requestActivity?.SetCustomProperty(OwnerProperty, module);
    }

    internal static string? OwnerOf(Activity activity) => activity.GetCustomProperty(OwnerProperty) as string;
}
