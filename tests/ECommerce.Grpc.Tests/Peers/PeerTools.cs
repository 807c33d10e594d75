namespace ECommerce.Grpc.Tests.Peers;

/// <summary>Where the independent gRPC implementations the tests talk to are installed (eng/setup.sh puts them there).</summary>
public static class PeerTools
{
    /// <summary>Debian's python, which has python3-grpcio; the pyenv python on PATH does not.</summary>
    public const string Python = "/usr/bin/python3";

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string NodeModules => Path.Combine(RepositoryRoot, "eng", "node", "node_modules");

    public static string Buf => Path.Combine(NodeModules, ".bin", "buf");

    public static string PeersDirectory => Path.Combine(AppContext.BaseDirectory, "Peers");

    public static string DescriptorSet => Path.Combine(PeersDirectory, "interop.pb");

    public static Dictionary<string, string> NodeEnvironment => new() { ["NODE_PATH"] = NodeModules };

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ECommerce.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("ECommerce.sln not found above " + AppContext.BaseDirectory);
    }
}
