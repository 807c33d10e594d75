namespace ECommerce.CarrierSandbox;

/// <summary>Configuration (<c>Sandbox:…</c>); the AppHost passes the API key and the webhook secret from secret parameters.</summary>
internal sealed class SandboxOptions
{
    /// <summary>What a caller sends as <c>Authorization: Bearer …</c>. Required.</summary>
    public string ApiKey { get; set; } = "";

    /// <summary>Signs webhooks (HMAC-SHA256). Required when <see cref="WebhookUrl"/> is set.</summary>
    public string WebhookSecret { get; set; } = "";

    /// <summary>Where tracking webhooks go (the shop's shipping service); none are sent when empty.</summary>
    public string WebhookUrl { get; set; } = "";

    /// <summary>
    /// The carrier's clock: how long a parcel stays in each state before it moves on. Seconds in development;
    /// zero stops the clock, so parcels move only when a test advances them (<see cref="TestControl"/>).
    /// </summary>
    public TimeSpan StepInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Opens <c>POST /v1/test/shipments/{id}/advance</c>, which moves a parcel (or its return) one step now.</summary>
    public bool TestControl { get; set; }

    /// <summary>Added to every API answer, like a carrier across the internet.</summary>
    public int LatencyMs { get; set; }
}
