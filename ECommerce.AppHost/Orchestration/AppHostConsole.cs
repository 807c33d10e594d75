namespace ECommerce.AppHost.Orchestration;

/// <summary>The AppHost's own terminal output: progress on stdout, one clear message per problem on stderr.</summary>
public sealed class AppHostConsole(TextWriter output, TextWriter errors)
{
    private readonly Lock _lock = new();

    public static AppHostConsole Standard { get; } = new(Console.Out, Console.Error);

    public void Info(string line)
    {
        lock (_lock)
        {
            output.WriteLine(line);
            output.Flush();
        }
    }

    public void Error(string message)
    {
        lock (_lock)
        {
            errors.WriteLine($"error: {message}");
            errors.Flush();
        }
    }
}
