using System.Globalization;

namespace ECommerce.Grpc.Benchmarks;

/// <summary>The <c>--name value</c> options after a subcommand.</summary>
public sealed class CommandLine
{
    private readonly Dictionary<string, string> _options;

    private CommandLine(Dictionary<string, string> options) => _options = options;

    public static CommandLine Parse(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new CommandLineException($"expected '--option value', got '{args[i]}'");
            }
            options[args[i][2..]] = args[i + 1];
        }
        return new CommandLine(options);
    }

    public string Text(string name, string? fallback = null) =>
        _options.TryGetValue(name, out var value) ? value
        : fallback ?? throw new CommandLineException($"--{name} is required");

    public int Integer(string name, int? fallback = null)
    {
        if (!_options.TryGetValue(name, out var value))
        {
            return fallback ?? throw new CommandLineException($"--{name} is required");
        }
        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0
            ? number
            : throw new CommandLineException($"--{name} must be a positive whole number, got '{value}'");
    }
}

public sealed class CommandLineException(string message) : Exception(message);
