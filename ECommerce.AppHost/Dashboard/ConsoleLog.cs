using System.Runtime.CompilerServices;
using System.Text;
using ECommerce.AppHost.Orchestration;

namespace ECommerce.AppHost.Dashboard;

/// <summary>Follows a replica's console log file like <c>tail -F</c>: the last lines, then every new one.</summary>
internal static class ConsoleLog
{
    private const int InitialTailBytes = 64 * 1024;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    public static async IAsyncEnumerable<string> FollowAsync(ReplicaSupervisor supervisor, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!supervisor.CanStopAlone)
        {
            yield return $"{supervisor.Name} runs inside the AppHost and writes no console log of its own.";
            yield break;
        }
        while (!cancellationToken.IsCancellationRequested)
        {
            if (supervisor.Snapshot().LogFile is not { } logFile || !File.Exists(logFile))
            {
                await Task.Delay(PollInterval, cancellationToken);
                continue;
            }
            await foreach (var line in FollowFileAsync(supervisor, logFile, cancellationToken))
            {
                yield return line;
            }
        }
    }

    /// <summary>Ends when the replica starts writing to another file or this one is truncated.</summary>
    private static async IAsyncEnumerable<string> FollowFileAsync(ReplicaSupervisor supervisor, string logFile, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(logFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        if (stream.Length > InitialTailBytes)
        {
            stream.Seek(-InitialTailBytes, SeekOrigin.End);
            await reader.ReadLineAsync(cancellationToken); // the first line is probably cut
        }
        var pending = new StringBuilder();
        while (!cancellationToken.IsCancellationRequested)
        {
            var chunk = new char[4096];
            var read = await reader.ReadAsync(chunk, cancellationToken);
            if (read > 0)
            {
                pending.Append(chunk, 0, read);
                foreach (var line in TakeCompleteLines(pending))
                {
                    yield return line;
                }
                continue;
            }
            if (supervisor.Snapshot().LogFile != logFile || new FileInfo(logFile).Length < stream.Position)
            {
                yield break;
            }
            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    private static List<string> TakeCompleteLines(StringBuilder pending)
    {
        var text = pending.ToString();
        var end = text.LastIndexOf('\n');
        if (end < 0)
        {
            return [];
        }
        pending.Remove(0, end + 1);
        return text[..end].Split('\n').Select(line => line.TrimEnd('\r')).ToList();
    }
}
