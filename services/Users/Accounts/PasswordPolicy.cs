namespace ECommerce.Users.Accounts;

/// <summary>Length is what makes a password strong (NIST SP 800-63B); no composition rules.</summary>
internal static class PasswordPolicy
{
    public const int MinLength = 12;

    // Long enough for passphrases, short enough that hashing it is not a denial-of-service lever.
    public const int MaxLength = 128;

    /// <returns>Why the password is refused, or null.</returns>
    public static string? Check(string password, string email)
    {
        if (password.Length < MinLength)
        {
            return $"must be at least {MinLength} characters";
        }
        if (password.Length > MaxLength)
        {
            return $"must be at most {MaxLength} characters";
        }
        if (string.Equals(password.Trim(), email.Trim(), StringComparison.OrdinalIgnoreCase))
        {
            return "must not be the email address";
        }
        return null;
    }
}
