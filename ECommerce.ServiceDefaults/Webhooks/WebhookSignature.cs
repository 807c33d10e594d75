using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ECommerce.ServiceDefaults.Webhooks;

/// <summary>
/// The webhook signature providers use (Stripe's scheme, which the sandboxes copy): a header
/// <c>t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256(secret, "t.body")&gt;</c>. A delivery counts only when the
/// signature matches (fixed-time comparison) and the signed timestamp is within the replay window of now, either way.
/// </summary>
public static class WebhookSignature
{
    public enum Check
    {
        Valid,
        Invalid,
        OutsideWindow,
    }

    public static string Sign(string secret, long timestamp, string body) =>
        $"t={timestamp},v1={Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")))}";

    public static Check Verify(string header, string body, string secret, TimeSpan tolerance, DateTimeOffset now)
    {
        if (secret.Length == 0)
        {
            return Check.Invalid;
        }
        var parts = header.Split(',').Select(part => part.Split('=', 2)).Where(pair => pair.Length == 2)
            .GroupBy(pair => pair[0].Trim()).ToDictionary(group => group.Key, group => group.First()[1].Trim());
        if (!parts.TryGetValue("t", out var t) || !long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp)
            || timestamp > DateTimeOffset.MaxValue.ToUnixTimeSeconds() || !parts.TryGetValue("v1", out var signature) || signature.Length != 64)
        {
            return Check.Invalid;
        }
        byte[] given;
        try
        {
            given = Convert.FromHexString(signature);
        }
        catch (FormatException)
        {
            return Check.Invalid;
        }
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}"));
        if (!CryptographicOperations.FixedTimeEquals(expected, given))
        {
            return Check.Invalid;
        }
        // Checked after the signature, so the timestamp is the one the sender signed.
        return Math.Abs((now - DateTimeOffset.FromUnixTimeSeconds(timestamp)).TotalSeconds) <= tolerance.TotalSeconds ? Check.Valid : Check.OutsideWindow;
    }
}
