namespace ECommerce.Payment;

/// <summary>Settings of the service (<c>Payment:…</c>); the provider's are under <c>Payment:Provider</c>.</summary>
internal sealed class PaymentOptions
{
    public TimeSpan ReconciliationInterval { get; set; } = TimeSpan.FromMinutes(5);
}
