namespace ECommerce.AppHost.Resources;

internal static class ResourceNames
{
    /// <summary>
    /// Names become part of environment variable names (ConnectionStrings__&lt;name&gt;, services__&lt;name&gt;__…),
    /// which a POSIX shell can only export when they hold letters, digits and '_'.
    /// </summary>
    public static string Validate(string name)
    {
        if (string.IsNullOrEmpty(name) || !char.IsAsciiLetterLower(name[0]) || !name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c)))
        {
            throw new ArgumentException($"'{name}' is not a valid resource name: use lower-case ASCII letters and digits, starting with a letter.", nameof(name));
        }
        return name;
    }
}
