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

    /// <summary>Claim holding a service token's scopes, space-separated (RFC 9068).</summary>
    public const string ScopeClaim = "scope";

    /// <summary>A service token's subject is <c>service:&lt;name&gt;</c>; a user's is a user id.</summary>
    public const string ServiceSubjectPrefix = "service:";

    /// <summary>The issuer's OAuth 2.0 token endpoint (client credentials), named in its metadata as <c>token_endpoint</c>.</summary>
    public const string TokenPath = "/connect/token";
}

/// <summary>What a service token may do; Users grants each service client its scopes (Users:ServiceClients).</summary>
public static class ServiceScopes
{
    /// <summary>Reserve, release and commit stock in Catalog.</summary>
    public const string Inventory = "inventory";

    /// <summary>Authorize, capture, void and refund in Payment.</summary>
    public const string Payments = "payments";

    /// <summary>Create and cancel shipments in Shipping.</summary>
    public const string Shipping = "shipping";
}
