namespace ECommerce.Payment.Provider;

/// <summary>
/// The card processor behind the shop. Every write carries an idempotency key that the provider honours:
/// the same key returns the same result and never acts twice. A production adapter (Stripe.net's
/// PaymentIntentService, for example) implements the same seven calls; see services/Payment/README.md.
/// </summary>
internal interface IPaymentProvider
{
    /// <param name="reference">The shop's payment id, stored with the provider's record (reconciliation joins on it).</param>
    Task<ProviderAuthorization> AuthorizeAsync(string idempotencyKey, string paymentMethodToken, long amountMinor, string currency, string reference,
        CancellationToken cancellationToken);

    /// <summary>The record the provider keeps under an authorization's idempotency key, or null when the request never reached it.</summary>
    Task<ProviderAuthorization?> FindByIdempotencyKeyAsync(string idempotencyKey, CancellationToken cancellationToken);

    Task<ProviderAuthorization?> GetAsync(string providerRef, CancellationToken cancellationToken);

    Task<ProviderAuthorization> CaptureAsync(string providerRef, long amountMinor, string idempotencyKey, CancellationToken cancellationToken);

    Task<ProviderAuthorization> VoidAsync(string providerRef, string idempotencyKey, CancellationToken cancellationToken);

    Task<ProviderAuthorization> RefundAsync(string providerRef, long amountMinor, string idempotencyKey, CancellationToken cancellationToken);

    /// <summary>Every authorization the provider holds for this shop (reconciliation).</summary>
    Task<IReadOnlyList<ProviderAuthorization>> ListAsync(CancellationToken cancellationToken);
}

/// <summary>The provider's record, in its own words: status "authorized", "declined", "failed", "captured", "voided", "partially_refunded", "refunded".</summary>
internal sealed record ProviderAuthorization(
    string Id, string Status, long Amount, string Currency, long AmountCaptured, long AmountRefunded,
    string? DeclineCode, string Reference, string CardBrand, string CardLast4);
