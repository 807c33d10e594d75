namespace ECommerce.PaymentSandbox;

/// <summary>Configuration (<c>Sandbox:…</c>); the AppHost passes the API key and the webhook secret from secret parameters.</summary>
internal sealed class SandboxOptions
{
    /// <summary>What a caller sends as <c>Authorization: Bearer …</c>. Required.</summary>
    public string ApiKey { get; set; } = "";

    /// <summary>Signs webhooks (HMAC-SHA256). Required when <see cref="WebhookUrl"/> is set.</summary>
    public string WebhookSecret { get; set; } = "";

    /// <summary>Where webhooks go (the shop's payment service); none are sent when empty.</summary>
    public string WebhookUrl { get; set; } = "";

    /// <summary>Added to every API answer, like a processor across the internet (the benchmark sets 0 and 50).</summary>
    public int LatencyMs { get; set; }

    /// <summary>How long the "slow answer" test card keeps the caller waiting.</summary>
    public int SlowAnswerMs { get; set; } = 5000;
}
