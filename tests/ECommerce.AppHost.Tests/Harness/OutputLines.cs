using System.Diagnostics;

namespace ECommerce.AppHost.Tests.Harness;

/// <summary>Lines an AppHost printed, and a way to wait for one.</summary>
public sealed class OutputLines
{
    private readonly List<string> _lines = [];
    private readonly Lock _lock = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<string> All
    {
        get
        {
            lock (_lock)
            {
                return _lines.ToList();
            }
        }
    }

    public void Add(string line)
    {
        TaskCompletionSource changed;
        lock (_lock)
        {
            _lines.Add(line);
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        changed.TrySetResult();
    }

    /// <summary>The first line starting with <paramref name="prefix"/>, waiting for it if needed.</summary>
    public async Task<string> WaitForAsync(string prefix, TimeSpan timeout, CancellationToken cancellationToken, Func<string>? diagnostics = null)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                if (_lines.FirstOrDefault(line => line.StartsWith(prefix, StringComparison.Ordinal)) is { } found)
                {
                    return found;
                }
                changed = _changed.Task;
            }
            var left = timeout - clock.Elapsed;
            if (left <= TimeSpan.Zero || await Task.WhenAny(changed, Task.Delay(left, cancellationToken)) != changed)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Assert.Fail($"No line starting with \"{prefix}\" within {timeout.TotalSeconds:0} s. Output:\n{string.Join('\n', All)}\n{diagnostics?.Invoke()}");
            }
        }
    }
}

/// <summary>A TextWriter feeding <see cref="OutputLines"/>, for an AppHost run inside the test process.</summary>
public sealed class OutputLinesWriter(OutputLines lines) : StringWriter
{
    public override void WriteLine(string? value) => lines.Add(value ?? "");
}
