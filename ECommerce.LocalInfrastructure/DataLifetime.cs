namespace ECommerce.LocalInfrastructure;

/// <summary>Where a server keeps its data and whether that data outlives the server.</summary>
public abstract record DataLifetime
{
    private DataLifetime() { }

    /// <summary>A temporary directory, deleted when the server is disposed (tests).</summary>
    public static DataLifetime Throwaway { get; } = new ThrowawayData();

    /// <summary>A directory that survives restarts (the AppHost's git-ignored <c>.data</c> folder).</summary>
    public static DataLifetime PersistentIn(string directory) => new PersistentData(Path.GetFullPath(directory));

    public sealed record ThrowawayData : DataLifetime;

    public sealed record PersistentData(string Directory) : DataLifetime;
}
