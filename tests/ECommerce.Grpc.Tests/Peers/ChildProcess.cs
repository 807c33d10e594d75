using System.Diagnostics;
using System.Text;

namespace ECommerce.Grpc.Tests.Peers;

/// <summary>
/// A peer program started by a test. Disposing kills it with its whole process tree, so no peer
/// outlives the test that started it, whether the test passed or failed.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource<string> _firstLine = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChildProcess(Process process) => _process = process;

    public string Stdout { get { lock (_stdout) { return _stdout.ToString(); } } }

    public string Stderr { get { lock (_stderr) { return _stderr.ToString(); } } }

    public static ChildProcess Start(string fileName, IEnumerable<string> arguments, IDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? AppContext.BaseDirectory,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[name] = value;
        }

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, line) => child.Append(child._stdout, line.Data, isStdout: true);
        process.ErrorDataReceived += (_, line) => child.Append(child._stderr, line.Data, isStdout: false);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Runs a program to completion and returns its standard output; fails if it exits non-zero or overruns.</summary>
    public static async Task<string> RunAsync(string fileName, IEnumerable<string> arguments, TimeSpan timeout, IDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        await using var child = Start(fileName, arguments, environment, workingDirectory);
        var exitCode = await child.WaitForExitAsync(timeout);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} exited with {exitCode}.\nstdout:\n{child.Stdout}\nstderr:\n{child.Stderr}");
        }

        return child.Stdout;
    }

    /// <summary>The first line the program prints, e.g. the port a server announces once it listens.</summary>
    public async Task<string> ReadFirstLineAsync(TimeSpan timeout)
    {
        try
        {
            return await _firstLine.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{_process.StartInfo.FileName} printed nothing within {timeout}.\nstderr:\n{Stderr}");
        }
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancellation.Token);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{_process.StartInfo.FileName} did not finish within {timeout}.\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }

        _process.Dispose();
    }

    private void Append(StringBuilder output, string? line, bool isStdout)
    {
        if (line is null)
        {
            if (isStdout)
            {
                _firstLine.TrySetException(new InvalidOperationException($"{_process.StartInfo.FileName} closed its output.\nstderr:\n{Stderr}"));
            }

            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }

        if (isStdout)
        {
            _firstLine.TrySetResult(line);
        }
    }
}
