using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace ECommerce.Logging.Errors;

/// <summary>Which error group a record belongs to, and when a service's errors spiked: pure functions (docs/logging.md#errors).</summary>
internal static partial class ErrorRules
{
    public static bool IsError(LogLevel level) => level >= LogLevel.Error;

    /// <summary>The group of an error: exception type, message template and top frame of the shop's own code.</summary>
    public static ErrorKey Key(LogRecord record)
    {
        var type = record.ExceptionType.Length > 0 ? record.ExceptionType : ExceptionTypeOf(record.Exception);
        // Without a template (a message built by hand) the ids in the message are what would split a group.
        var template = record.Template.Length > 0 ? record.Template : Variable().Replace(record.Message, "#");
        var frame = TopFrame(record.Exception);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{type}\n{template}\n{frame}"));
        return new ErrorKey(Convert.ToHexStringLower(hash)[..32], type, template, frame);
    }

    /// <summary>The first stack frame in ECommerce.* code, as "Namespace.Type.Method", without arguments, file or line (lines move with every change).</summary>
    public static string TopFrame(string exception)
    {
        foreach (var line in exception.AsSpan().EnumerateLines())
        {
            var match = OwnFrame().Match(line.ToString());
            if (match.Success)
            {
                return AsyncStateMachine().Replace(match.Groups["method"].Value, ".${name}");
            }
        }
        return "";
    }

    /// <summary>"System.InvalidOperationException: …" → "System.InvalidOperationException".</summary>
    public static string ExceptionTypeOf(string exception)
    {
        var firstLine = exception.AsSpan().EnumerateLines().GetEnumerator();
        if (!firstLine.MoveNext())
        {
            return "";
        }
        var line = firstLine.Current;
        var colon = line.IndexOf(':');
        var type = (colon < 0 ? line : line[..colon]).Trim().ToString();
        return type.Contains(' ') ? "" : type;
    }

    /// <summary>
    /// A spike: at least <see cref="LoggingOptions.SpikeMinimumErrors"/> errors in the minute and at least
    /// <see cref="LoggingOptions.SpikeFactor"/> times the mean of the minutes before it.
    /// </summary>
    public static bool IsSpike(long errors, double baselinePerMinute, LoggingOptions options) =>
        errors >= options.SpikeMinimumErrors && errors >= options.SpikeFactor * baselinePerMinute;

    public static DateTime Minute(DateTime time) => new(time.Ticks - time.Ticks % TimeSpan.TicksPerMinute, DateTimeKind.Utc);

    [GeneratedRegex(@"^\s*at (?<method>ECommerce\.[^\s(]+)\(", RegexOptions.CultureInvariant)]
    private static partial Regex OwnFrame();

    // "Type.<SendAsync>d__12.MoveNext" (an async method's state machine) → "Type.SendAsync".
    [GeneratedRegex(@"\.<(?<name>[^>]+)>d__\d+\.MoveNext$", RegexOptions.CultureInvariant)]
    private static partial Regex AsyncStateMachine();

    // Numbers, hex ids and GUIDs.
    [GeneratedRegex(@"\b(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[0-9a-fA-F]*\d[0-9a-fA-F]*)\b", RegexOptions.CultureInvariant)]
    private static partial Regex Variable();
}

internal sealed record ErrorKey(string Fingerprint, string ExceptionType, string Template, string TopFrame);
