using System.Net.Mail;

namespace ECommerce.Users.Accounts;

/// <summary>Email addresses are compared case-insensitively and without surrounding spaces.</summary>
internal static class EmailAddress
{
    public const int MaxLength = 254;

    public static string Normalize(string email) => email.Trim().ToLowerInvariant();

    public static bool IsValid(string email)
    {
        var trimmed = email.Trim();
        return trimmed.Length is > 0 and <= MaxLength
            && MailAddress.TryCreate(trimmed, out var parsed)
            && parsed.Address == trimmed
            && parsed.Host.Contains('.');
    }
}
