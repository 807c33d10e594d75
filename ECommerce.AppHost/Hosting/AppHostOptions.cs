using ECommerce.LocalInfrastructure;

namespace ECommerce.AppHost.Hosting;

/// <summary>How one run of the AppHost is set up, from its command line.</summary>
public sealed record AppHostOptions
{
    public const int DefaultDashboardPort = 18888;

    /// <summary>PostgreSQL and Redis data, console logs of every resource. Survives runs.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>0 picks a free port (tests).</summary>
    public int DashboardPort { get; init; } = DefaultDashboardPort;

    /// <summary>How long a started resource may take to report healthy before it is reported as failing.</summary>
    public TimeSpan HealthTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>One process per service (mesh), or every service in one process (monolith).</summary>
    public AppHostMode Mode { get; init; } = AppHostMode.Mesh;

    public string LogsDirectory => Path.Combine(DataDirectory, "logs");

    public const string Usage =
        "usage: ECommerce.AppHost [--mode mesh|monolith] [--data-dir <dir>] [--dashboard-port <port>] [--health-timeout <seconds>]";

    /// <summary>Reads the command line; the data directory defaults to the repository's git-ignored .data folder.</summary>
    public static AppHostOptions Parse(IReadOnlyList<string> args, RepositoryLayout repository)
    {
        var options = new AppHostOptions { DataDirectory = Path.Combine(repository.Root, ".data") };
        for (var i = 0; i < args.Count; i++)
        {
            var value = i + 1 < args.Count ? args[i + 1] : null;
            options = args[i] switch
            {
                "--data-dir" when value is not null => options with { DataDirectory = Path.GetFullPath(value) },
                "--dashboard-port" when int.TryParse(value, out var port) && port is >= 0 and <= 65535 => options with { DashboardPort = port },
                "--mode" when Enum.TryParse<AppHostMode>(value, ignoreCase: true, out var mode) && Enum.IsDefined(mode) && !int.TryParse(value, out _) => options with { Mode = mode },
                "--health-timeout" when int.TryParse(value, out var seconds) && seconds > 0 => options with { HealthTimeout = TimeSpan.FromSeconds(seconds) },
                _ => throw new InfrastructureException("AppHost command line", $"'{string.Join(' ', args.Skip(i).Take(2))}' is not understood.", Usage),
            };
            i++;
        }
        return options;
    }
}

/// <summary>How the services run: the same binaries and configuration, two ways of hosting them.</summary>
public enum AppHostMode
{
    /// <summary>One process per service (and replica), calling each other over gRPC on loopback.</summary>
    Mesh,

    /// <summary>Every service in one process (ECommerce.Monolith), calling each other through in-process gRPC channels.</summary>
    Monolith,
}
