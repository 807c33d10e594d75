using ECommerce.AppHost.Orchestration;
using ECommerce.LocalInfrastructure;
using ECommerce.LocalInfrastructure.Processes;

namespace ECommerce.AppHost.Resources.Replicas;

/// <summary>Starts a .NET project of this repository from its build output, as one child process.</summary>
internal static class ServiceLauncher
{
    public static async Task<ChildProcess> StartAsync(string name, string projectPath, IEnumerable<(string Owner, EndpointAddress Address)> endpoints,
        IReadOnlyDictionary<string, string> environment, RunContext context)
    {
        var assembly = context.Repository.OutputAssembly(projectPath);
        if (!File.Exists(assembly))
        {
            throw new InfrastructureException(name, $"{assembly} was not found.",
                $"build it: `dotnet build ECommerce.AppHost -c {context.Repository.Configuration}` builds every service the AppHost starts (eng/run.sh does), " +
                $"and check that {projectPath} is referenced by ECommerce.AppHost.csproj.");
        }
        foreach (var (owner, address) in endpoints)
        {
            Loopback.EnsurePortFree($"{owner} ({address.Name} endpoint)", address.Port);
        }

        // The variables hold passwords: they go in the child's environment, which only its user can
        // read, never on its command line, which `ps` shows everyone. ChildProcess also gives the service
        // a session of its own, so Ctrl+C in the terminal reaches the AppHost, which stops services in order.
        // It starts in its output folder, so it finds its appsettings.json.
        var logFile = Path.Combine(context.Options.LogsDirectory, $"{name}.log");
        return await ChildProcess.StartAsync(name, DotnetHost, [assembly], logFile, ChildProcess.SigTerm,
            environment: environment, workingDirectory: Path.GetDirectoryName(assembly));
    }

    /// <summary>The dotnet host running the AppHost, so services run on the same runtime.</summary>
    private static string DotnetHost =>
        Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";
}
