namespace ECommerce.ServiceDefaults.Authentication;

/// <summary>What every access token in the mesh carries, shared by the issuer (Users) and every validator.</summary>
public static class AccessTokens
{
    public const string Issuer = "ecommerce-users";
    public const string Audience = "ecommerce";
    public const string Algorithm = "ES256";

    /// <summary>Claim holding the user id.</summary>
    public const string SubjectClaim = "sub";

    /// <summary>Claim holding each role: "customer", "admin", "vendor".</summary>
    public const string RoleClaim = "role";

    public const string AdminRole = "admin";
    public const string CustomerRole = "customer";
    public const string VendorRole = "vendor";
}
