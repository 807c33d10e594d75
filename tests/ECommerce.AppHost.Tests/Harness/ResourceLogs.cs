namespace ECommerce.AppHost.Tests.Harness;

/// <summary>
/// What a failed wait for an AppHost should print: its errors, and the last lines of every resource's
/// log, which the errors point to but which are deleted with the data directory when the test ends.
/// </summary>
public static class ResourceLogs
{
    private const int LinesPerLog = 25;

    public static string Describe(OutputLines errors, string dataDirectory)
    {
        var logs = Path.Combine(dataDirectory, "logs");
        var tails = Directory.Exists(logs)
            ? Directory.GetFiles(logs).Order(StringComparer.Ordinal)
                .Select(file => $"--- {Path.GetFileName(file)}, last lines:\n{string.Join('\n', ReadWhileWritten(file).TakeLast(LinesPerLog))}")
            : [];
        return string.Join('\n', ["Errors:", .. errors.All, .. tails]);
    }

    private static List<string> ReadWhileWritten(string file)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            lines.Add(line);
        }
        return lines;
    }
}
