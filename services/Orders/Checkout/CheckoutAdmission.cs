using System.Threading.RateLimiting;

namespace ECommerce.Orders.Checkout;

/// <summary>
/// Admission control in front of new checkouts: at most <see cref="OrdersOptions.MaxConcurrentCheckouts"/> run at once,
/// the next ones wait their turn (oldest first) for up to <see cref="OrdersOptions.AdmissionWait"/>, and the rest are
/// told at once to come back, with nothing recorded. Without it a flash sale's burst queued every request in every
/// service at once: 500 buyers on two cores all got the edge's 504 after 30 s while their orders crawled on behind it.
/// </summary>
/// <remarks>
/// Only a key Orders has not seen waits here: a repeated request for a known key joins its order's checkout (or reads its
/// answer) without a turn, so a buyer who retries is never refused for the order they already have.
/// </remarks>
internal sealed class CheckoutAdmission(OrdersOptions options) : IDisposable
{
    /// <summary>When a refused buyer should try again; a few seconds, so a burst spreads out instead of coming back at once.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(2);

    private readonly ConcurrencyLimiter _turns = new(new ConcurrencyLimiterOptions
    {
        PermitLimit = Math.Max(1, options.MaxConcurrentCheckouts),
        QueueLimit = Math.Max(0, options.AdmissionQueue),
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    });

    /// <summary>A turn (dispose it when the checkout has ended), or null when none came within the wait.</summary>
    public async Task<IDisposable?> EnterAsync(CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(options.AdmissionWait);
        try
        {
            var lease = await _turns.AcquireAsync(1, wait.Token);
            if (lease.IsAcquired)
            {
                return lease;
            }
            lease.Dispose();
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    public void Dispose() => _turns.Dispose();
}
