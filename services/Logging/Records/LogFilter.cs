using System.Buffers.Text;
using System.Globalization;
using System.Text;
using ECommerce.Grpc;
using Google.Protobuf.WellKnownTypes;

namespace ECommerce.Logging.Records;

/// <summary>The filters QueryLogs and TailLogs share, validated.</summary>
internal sealed record LogFilter(string Service, LogLevel MinLevel, string TraceId, string Text, DateTime? Since, DateTime? Until);

/// <summary>Where a page of QueryLogs continues: below this record in (time, id) order.</summary>
internal readonly record struct LogCursor(DateTime Time, long Id)
{
    public override string ToString() =>
        Base64Url.EncodeToString(Encoding.ASCII.GetBytes($"{Time.Ticks.ToString(CultureInfo.InvariantCulture)}:{Id.ToString(CultureInfo.InvariantCulture)}"));

    public static bool TryParse(string token, out LogCursor cursor)
    {
        cursor = default;
        try
        {
            var parts = Encoding.ASCII.GetString(Base64Url.DecodeFromChars(token)).Split(':');
            if (parts.Length == 2 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                && ticks >= DateTime.MinValue.Ticks && ticks <= DateTime.MaxValue.Ticks
                && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                cursor = new LogCursor(new DateTime(ticks, DateTimeKind.Utc), id);
                return true;
            }
        }
        catch (FormatException)
        {
        }
        return false;
    }
}

/// <summary>Validation of the query rpcs' input: pure.</summary>
internal static class LogQueryRules
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;
    public const int MaxTextLength = 200;
    public const int MaxServiceLength = 100;

    public static LogFilter CheckFilter(string service, LogLevel minLevel, string traceId, string text, Timestamp? since, Timestamp? until, FieldViolations violations)
    {
        violations
            .Check(service.Length <= MaxServiceLength && service.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_' or '.'),
                "service", $"must be a service name: at most {MaxServiceLength} lower-case letters, digits, '-', '_' or '.'")
            .Check(System.Enum.IsDefined(minLevel), "min_level", "must be a LogLevel")
            .Check(traceId.Length == 0 || (traceId.Length == 32 && traceId.All(char.IsAsciiHexDigit)), "trace_id", "must be 32 hex digits")
            .Check(text.Length <= MaxTextLength, "text", $"must be at most {MaxTextLength} characters");
        var sinceTime = CheckTime(since, "since", violations);
        var untilTime = CheckTime(until, "until", violations);
        violations.Check(sinceTime is null || untilTime is null || sinceTime < untilTime, "until", "must be after since");
        return new LogFilter(service, minLevel, traceId.ToLowerInvariant(), text, sinceTime, untilTime);
    }

    public static int CheckPage(Contracts.Common.V1.PageRequest? page, FieldViolations violations, out LogCursor? after)
    {
        after = null;
        page ??= new Contracts.Common.V1.PageRequest();
        violations.Check(page.PageSize is >= 0 and <= MaxPageSize, "page.page_size", $"must be 0 (the default, {DefaultPageSize}) to {MaxPageSize}");
        if (page.PageToken.Length > 0)
        {
            violations.Check(LogCursor.TryParse(page.PageToken, out var cursor), "page.page_token", "must be a next_page_token from an earlier response");
            after = cursor;
        }
        return page.PageSize == 0 ? DefaultPageSize : page.PageSize;
    }

    public static DateTime? CheckTime(Timestamp? time, string field, FieldViolations violations)
    {
        if (time is null)
        {
            return null;
        }
        var valid = time.Seconds is >= -62135596800 and <= 253402300799 && time.Nanos is >= 0 and < 1_000_000_000;
        violations.Check(valid, field, "must be a valid timestamp");
        return valid ? time.ToDateTime() : null;
    }

    /// <summary>A LIKE pattern matching <paramref name="text"/> anywhere, its own wildcards taken literally.</summary>
    public static string ContainsPattern(string text) =>
        "%" + text.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_") + "%";
}
