using System.Text.RegularExpressions;

namespace ECommerce.ServiceDefaults.Logging;

/// <summary>
/// What is removed from a log record before it leaves the process (docs/logging.md#redaction): the values of
/// attributes named like credentials or card data, and in any text (message, attribute values, exception)
/// authorization header values, JSON web tokens, <c>password=…</c>-style pairs, card-number-like digit runs;
/// e-mail addresses keep their first character and domain.
/// </summary>
public static partial class LogRedaction
{
    public const string Removed = "[REDACTED]";

    /// <summary>Attribute names whose whole value is removed (compared without case, '_' and '-').</summary>
    private static readonly string[] SecretNameParts =
        ["password", "passwd", "pwd", "secret", "token", "authorization", "apikey", "cookie", "cvc", "cvv", "cardnumber", "credential"];

    public static bool IsSecretName(string name)
    {
        var normalized = name.Replace("_", "").Replace("-", "").Replace(".", "").ToLowerInvariant();
        return normalized is "pan" || SecretNameParts.Any(part => normalized.Contains(part, StringComparison.Ordinal));
    }

    /// <summary>An attribute's value as it may leave the process.</summary>
    public static string Attribute(string name, string value) => IsSecretName(name) ? Removed : Text(value);

    /// <summary>
    /// A record's text: the values of its secret-named attributes removed wherever the message or exception repeats them
    /// ("Sign-in with {Password}"), then <see cref="Text(string)"/>.
    /// </summary>
    public static string Text(string text, IEnumerable<KeyValuePair<string, string>> attributes)
    {
        foreach (var (name, value) in attributes)
        {
            if (value.Length > 0 && IsSecretName(name))
            {
                text = text.Replace(value, Removed, StringComparison.Ordinal);
            }
        }
        return Text(text);
    }

    /// <summary>Free text with every secret pattern removed and every e-mail address masked.</summary>
    public static string Text(string text)
    {
        if (text.Length == 0)
        {
            return text;
        }
        text = AuthorizationValue().Replace(text, match => match.Groups["scheme"].Value + Removed);
        text = WebToken().Replace(text, Removed);
        text = SecretPair().Replace(text, match => match.Groups["name"].Value + match.Groups["separator"].Value + Removed);
        text = CardNumber().Replace(text, Removed);
        return EmailAddress().Replace(text, match => match.Groups["first"].Value + "***@" + match.Groups["domain"].Value);
    }

    // "Authorization: Bearer abc", "Bearer abc", "Basic dXNlcjpwdw==".
    [GeneratedRegex(@"(?<scheme>\b(?:Bearer|Basic|Digest|Negotiate)\s+)[A-Za-z0-9\-._~+/]+=*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AuthorizationValue();

    // Three base64url segments, the first starting like a JSON object ("eyJ"): a JWT whatever it is called.
    [GeneratedRegex(@"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*", RegexOptions.CultureInvariant)]
    private static partial Regex WebToken();

    // password=…, "client_secret": "…", token: …, api-key=… (in query strings, JSON, form bodies and prose).
    [GeneratedRegex("""(?<name>\b[A-Za-z_\-]*(?:password|passwd|pwd|secret|token|api[_-]?key|authorization|cookie|cvc|cvv)"?)(?<separator>\s*[=:]\s*"?)(?!(?:Bearer|Basic|Digest|Negotiate)\s|\[REDACTED\])[^\s"&,;}]+""",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretPair();

    // 13 to 19 digits, optionally grouped by single spaces or dashes: any payment card number (PAN). No Luhn check,
    // on purpose: a false positive costs a masked number in a log, a false negative a leaked card.
    [GeneratedRegex(@"(?<![\w-])\d(?:[ -]?\d){12,18}(?![\w-])", RegexOptions.CultureInvariant)]
    private static partial Regex CardNumber();

    [GeneratedRegex(@"\b(?<first>[A-Za-z0-9])[A-Za-z0-9._%+\-]*@(?<domain>[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,})\b", RegexOptions.CultureInvariant)]
    private static partial Regex EmailAddress();
}
