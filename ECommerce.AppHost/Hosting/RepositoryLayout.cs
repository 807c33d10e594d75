using System.Reflection;
using ECommerce.LocalInfrastructure;

namespace ECommerce.AppHost.Hosting;

/// <summary>
/// Where the repository and the services' build output are. Project resources run the output of the
/// build the AppHost itself came from (same configuration), so one <c>dotnet build</c> serves both.
/// </summary>
public sealed record RepositoryLayout(string Root, string Configuration, string TargetFramework)
{
    private const string SolutionFile = "ECommerce.sln";

    public static RepositoryLayout Locate()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, SolutionFile)))
        {
            directory = directory.Parent;
        }
        if (directory is null)
        {
            throw new InfrastructureException("AppHost", $"no {SolutionFile} was found above {AppContext.BaseDirectory}.",
                "run the AppHost from its build output inside the repository (eng/run.sh does).");
        }
        var configuration = typeof(RepositoryLayout).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var version = Environment.Version;
        return new RepositoryLayout(directory.FullName, configuration, $"net{version.Major}.{version.Minor}");
    }

    /// <summary>The assembly a project builds, e.g. services/Gateway/bin/Debug/net10.0/ECommerce.Gateway.dll.</summary>
    public string OutputAssembly(string projectPath)
    {
        var project = Path.Combine(Root, projectPath);
        return Path.Combine(Path.GetDirectoryName(project)!, "bin", Configuration, TargetFramework,
            Path.GetFileNameWithoutExtension(project) + ".dll");
    }
}
