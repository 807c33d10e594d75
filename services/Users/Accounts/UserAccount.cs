using ECommerce.Contracts.Users.V1;
using Google.Protobuf.WellKnownTypes;

namespace ECommerce.Users.Accounts;

internal sealed record UserAccount(
    Guid UserId,
    string Email,
    string DisplayName,
    string[] Roles,
    string PasswordHash,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public bool IsAdmin => Roles.Contains(AccessTokens.AdminRole);

    public UserProfile ToProfile()
    {
        var profile = new UserProfile
        {
            UserId = UserId.ToString(),
            Email = Email,
            DisplayName = DisplayName,
            CreatedAt = Timestamp.FromDateTimeOffset(CreatedAt),
            UpdatedAt = Timestamp.FromDateTimeOffset(UpdatedAt),
        };
        profile.Roles.Add(Roles.Select(RoleNames.ToRole));
        return profile;
    }
}

/// <summary>Roles travel as the enum in the API and as lower-case names in tokens and the database.</summary>
internal static class RoleNames
{
    public static Role ToRole(string name) => name switch
    {
        AccessTokens.CustomerRole => Role.Customer,
        AccessTokens.AdminRole => Role.Admin,
        AccessTokens.VendorRole => Role.Vendor,
        _ => Role.Unspecified,
    };

    public static string? FromRole(Role role) => role switch
    {
        Role.Customer => AccessTokens.CustomerRole,
        Role.Admin => AccessTokens.AdminRole,
        Role.Vendor => AccessTokens.VendorRole,
        _ => null,
    };
}
