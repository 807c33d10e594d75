using ECommerce.LocalInfrastructure.Processes;

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
                .Select(file => $"--- {Path.GetFileName(file)}, last lines:\n{ChildProcess.Tail(file, LinesPerLog)}")
            : [];
        return string.Join('\n', ["Errors:", .. errors.All, .. tails]);
    }
}
