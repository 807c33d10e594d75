namespace ECommerce.Gateway;

/// <summary>What the edge reads from the configuration section <c>Gateway</c> (see docs/gateway.md).</summary>
public sealed class GatewayOptions
{
    public const string SectionName = "Gateway";

    public CorsSettings Cors { get; set; } = new();

    public RateLimitSettings RateLimiting { get; set; } = new();

    /// <summary>Larger bodies are refused with 413 before anything reads them.</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>The gRPC deadline of each forwarded call, so a stuck service cannot hold the edge's connections forever.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

public sealed class CorsSettings
{
    /// <summary>Browser origins (the storefront) allowed to call the edge; none by default.</summary>
    public string[] Origins { get; set; } = [];
}

public sealed class RateLimitSettings
{
    /// <summary>Every REST request, per client.</summary>
    public WindowLimit PerClient { get; set; } = new() { PermitLimit = 300, Window = TimeSpan.FromSeconds(10) };

    /// <summary>Register, login and refresh, per client: stricter, since they are what password guessing goes through.</summary>
    public WindowLimit SignIn { get; set; } = new() { PermitLimit = 10, Window = TimeSpan.FromMinutes(1) };
}

public sealed class WindowLimit
{
    public int PermitLimit { get; set; }

    public TimeSpan Window { get; set; }
}
