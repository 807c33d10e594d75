namespace ECommerce.LocalInfrastructure.Processes;

/// <summary>
/// Temporary directories for throwaway servers, named after the owning process so that the next
/// run can delete what a killed run left behind.
/// </summary>
internal static class ScratchDirectory
{
    private const string Prefix = "ecommerce-scratch-";

    public static string Create(string purpose)
    {
        DeleteOrphans();
        var path = Path.Combine(Path.GetTempPath(), $"{Prefix}{Environment.ProcessId}-{purpose}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }

    public static void Delete(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private static void DeleteOrphans()
    {
        foreach (var directory in Directory.EnumerateDirectories(Path.GetTempPath(), Prefix + "*"))
        {
            var owner = Path.GetFileName(directory)[Prefix.Length..].Split('-')[0];
            if (int.TryParse(owner, out var pid) && !Directory.Exists($"/proc/{pid}"))
            {
                try
                {
                    Directory.Delete(directory, recursive: true);
                }
                catch (IOException)
                {
                    // Another run is cleaning up the same orphan.
                }
                catch (UnauthorizedAccessException)
                {
                    // Left by another user; not ours to delete.
                }
            }
        }
    }
}
