namespace ECommerce.AppHost.Tests.Harness;

/// <summary>Where this repository's build outputs are, seen from a test's output folder (tests/&lt;project&gt;/bin/&lt;configuration&gt;/net10.0).</summary>
public static class Repository
{
    public static string Root { get; } = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../.."));

    private static string Configuration => new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;

    /// <summary>The built assembly of a project by its folder in the repository, e.g. ECommerce.Monolith or benchmarks/ECommerce.Load.</summary>
    public static string OutputAssembly(string project) =>
        Path.Combine(Root, project, "bin", Configuration, "net10.0", $"{Path.GetFileName(project)}.dll");
}
