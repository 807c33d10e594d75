using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace ECommerce.LocalInfrastructure.Processes;

/// <summary>
/// A process that cannot outlive the process that started it: a server with its output in a log file, or a
/// program a test runs or talks to (<see cref="StartCapturedAsync"/>, <see cref="RunAsync"/>) with its output kept in memory.
/// </summary>
/// <remarks>
/// Children are started through util-linux <c>setpriv --pdeathsig</c>, so the kernel signals them
/// when their parent dies — even when the parent is killed with SIGKILL and runs no cleanup — and
/// through <c>setsid</c>, in a session of their own, so a Ctrl+C in the terminal reaches only the
/// supervising process, which then stops its children in order.
/// The kernel ties that signal to the parent *thread*, and .NET forks from the calling thread,
/// which may be a thread-pool thread that later retires; so every child is forked from one
/// dedicated thread that lives as long as the process.
/// </remarks>
public sealed class ChildProcess : IAsyncDisposable
{
    public const int SigInt = 2;
    public const int SigKill = 9;
    public const int SigTerm = 15;

    private static readonly BlockingCollection<Action> SpawnQueue = StartSpawnThread();

    private readonly Process _process;
    private readonly StreamWriter? _log;
    private readonly OutputCapture? _capture;
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly int _stopSignal;

    private ChildProcess(string resource, Process process, StreamWriter? log, string? logFile, OutputCapture? capture, int stopSignal)
    {
        Resource = resource;
        _stopSignal = stopSignal;
        _process = process;
        _log = log;
        _capture = capture;
        LogFile = logFile ?? "";
    }

    public string Resource { get; }
    /// <summary>"" for a process whose output is kept in memory instead.</summary>
    public string LogFile { get; }
    public string Stdout => _capture?.Stdout ?? "";
    public string Stderr => _capture?.Stderr ?? "";
    public int Id => _process.Id;
    public bool HasExited => _exited.Task.IsCompleted;
    public Task Exited => _exited.Task;

    /// <param name="resource">Name used in error messages, e.g. "PostgreSQL".</param>
    /// <param name="deathSignal">The child's graceful-stop signal: what <see cref="StopAsync"/> sends, and what it receives if this process dies first.</param>
    /// <param name="runAsUser">Drop to this user first (PostgreSQL refuses to run as root).</param>
    /// <param name="environment">Variables to set (or override) for the child, e.g. its configuration.</param>
    public static Task<ChildProcess> StartAsync(string resource, string fileName, IEnumerable<string> arguments,
        string logFile, int deathSignal = SigTerm, string? runAsUser = null, IReadOnlyDictionary<string, string>? environment = null,
        string? workingDirectory = null) =>
        StartAsync(resource, fileName, arguments, logFile, capture: false, deathSignal, runAsUser, environment, workingDirectory);

    /// <summary>
    /// Starts a program whose standard output and error are kept in memory (<see cref="Stdout"/>, <see cref="Stderr"/>,
    /// <see cref="ReadFirstLineAsync"/>); disposing kills it at once. The working directory defaults to the caller's base directory.
    /// </summary>
    public static Task<ChildProcess> StartCapturedAsync(string fileName, IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null) =>
        StartAsync(Path.GetFileName(fileName), fileName, arguments, logFile: null, capture: true, SigKill, runAsUser: null, environment,
            workingDirectory ?? AppContext.BaseDirectory);

    /// <summary>Runs a program to completion and returns its standard output; fails if it exits non-zero or overruns.</summary>
    public static async Task<string> RunAsync(string fileName, IEnumerable<string> arguments, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        await using var child = await StartCapturedAsync(fileName, arguments, environment, workingDirectory);
        var exitCode = await child.WaitForExitAsync(timeout);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} exited with {exitCode}.\nstdout:\n{child.Stdout}\nstderr:\n{child.Stderr}");
        }
        return child.Stdout;
    }

    private static async Task<ChildProcess> StartAsync(string resource, string fileName, IEnumerable<string> arguments,
        string? logFile, bool capture, int deathSignal, string? runAsUser, IReadOnlyDictionary<string, string>? environment, string? workingDirectory)
    {
        var startInfo = new ProcessStartInfo(SetprivPath)
        {
            WorkingDirectory = workingDirectory ?? "",
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[name] = value;
        }
        startInfo.ArgumentList.Add($"--pdeathsig={SignalName(deathSignal)}");
        if (runAsUser is not null)
        {
            foreach (var argument in new[] { $"--reuid={runAsUser}", $"--regid={runAsUser}", "--init-groups" })
            {
                startInfo.ArgumentList.Add(argument);
            }
        }
        startInfo.ArgumentList.Add("--");
        startInfo.ArgumentList.Add("/usr/bin/setsid");
        startInfo.ArgumentList.Add(fileName);
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        StreamWriter? log = null;
        if (logFile is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(logFile)!);
            log = new StreamWriter(new FileStream(logFile, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        }
        var started = new TaskCompletionSource<ChildProcess>(TaskCreationOptions.RunContinuationsAsynchronously);
        SpawnQueue.Add(() =>
        {
            try
            {
                var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
                var child = new ChildProcess(resource, process, log, logFile, capture ? new OutputCapture(fileName) : null, deathSignal);
                process.OutputDataReceived += (_, e) => child.Received(e.Data, isStdout: true);
                process.ErrorDataReceived += (_, e) => child.Received(e.Data, isStdout: false);
                process.Exited += (_, _) => child._exited.TrySetResult();
                process.Start();
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
                started.SetResult(child);
            }
            catch (Exception e)
            {
                log?.Dispose();
                started.SetException(new InfrastructureException(resource, $"could not start {fileName}: {e.Message}",
                    "run eng/setup.sh, which installs every package the project needs.", logFile, e));
            }
        });
        return await started.Task;
    }

    /// <summary>Sends the graceful-stop signal (or <paramref name="signal"/>), waits for a clean exit, and kills the process if it does not come.</summary>
    public async Task StopAsync(int? signal = null, TimeSpan? timeout = null)
    {
        if (HasExited)
        {
            return;
        }
        _ = kill(Id, signal ?? _stopSignal);
        var graceful = await Task.WhenAny(Exited, Task.Delay(timeout ?? TimeSpan.FromSeconds(15))) == Exited;
        if (!graceful)
        {
            _process.Kill(entireProcessTree: true);
            await Exited;
        }
    }

    /// <summary>The first line a captured program prints, e.g. the port a server announces once it listens.</summary>
    public async Task<string> ReadFirstLineAsync(TimeSpan timeout)
    {
        var capture = _capture ?? throw new InvalidOperationException($"{Resource} writes to {LogFile}; start it with {nameof(StartCapturedAsync)} to read its output.");
        try
        {
            return await capture.FirstLine.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{Resource} printed nothing within {timeout}.\nstderr:\n{Stderr}");
        }
    }

    /// <returns>The exit code.</returns>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await Exited.WaitAsync(timeout);
            await _process.WaitForExitAsync();
            return _process.ExitCode;
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{Resource} did not finish within {timeout}.\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
        }
    }

    /// <summary>The last lines the process wrote, for error messages.</summary>
    public string LogTail(int lines = 15) => Tail(LogFile, lines);

    /// <summary>The last lines of a log file that may still be written to; "" when it cannot be read.</summary>
    public static string Tail(string logFile, int lines)
    {
        try
        {
            using var reader = new StreamReader(new FileStream(logFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete));
            var all = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            return string.Join('\n', all.TakeLast(lines));
        }
        catch (IOException)
        {
            return "";
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
        if (_log is not null)
        {
            lock (_log)
            {
                _log.Dispose();
            }
        }
    }

    private void Received(string? line, bool isStdout)
    {
        _capture?.Add(line, isStdout, this);
        if (line is null || _log is null)
        {
            return;
        }
        lock (_log)
        {
            if (_log.BaseStream.CanWrite)
            {
                _log.WriteLine(line);
            }
        }
    }

    private sealed class OutputCapture(string fileName)
    {
        private readonly StringBuilder _stdout = new();
        private readonly StringBuilder _stderr = new();
        private readonly TaskCompletionSource<string> _firstLine = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<string> FirstLine => _firstLine.Task;
        public string Stdout { get { lock (_stdout) { return _stdout.ToString(); } } }
        public string Stderr { get { lock (_stderr) { return _stderr.ToString(); } } }

        public void Add(string? line, bool isStdout, ChildProcess child)
        {
            if (line is null)
            {
                if (isStdout)
                {
                    _firstLine.TrySetException(new InvalidOperationException($"{fileName} closed its output.\nstderr:\n{child.Stderr}"));
                }
                return;
            }
            var output = isStdout ? _stdout : _stderr;
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

    private static string SetprivPath =>
        File.Exists("/usr/bin/setpriv") ? "/usr/bin/setpriv"
        : throw new InfrastructureException("Process supervision", "/usr/bin/setpriv (util-linux) was not found.",
            "run eng/setup.sh (installs util-linux).");

    private static string SignalName(int signal) => signal switch
    {
        SigInt => "INT",
        SigKill => "KILL",
        SigTerm => "TERM",
        _ => throw new ArgumentOutOfRangeException(nameof(signal), signal, "only INT, KILL and TERM are used"),
    };

    private static BlockingCollection<Action> StartSpawnThread()
    {
        var queue = new BlockingCollection<Action>();
        var thread = new Thread(() =>
        {
            foreach (var spawn in queue.GetConsumingEnumerable())
            {
                spawn();
            }
        })
        { IsBackground = true, Name = "child-process-spawner" };
        thread.Start();
        return queue;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
