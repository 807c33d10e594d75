namespace ECommerce.Testing;

/// <summary>The checkout the tests run from: the folder holding ECommerce.sln.</summary>
public static class RepositoryRoot
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "ECommerce.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"ECommerce.sln was not found above {AppContext.BaseDirectory}.");
    });

    public static string Path => Root.Value;
}
