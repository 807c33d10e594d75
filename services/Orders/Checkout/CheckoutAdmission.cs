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
    /// <summary>The soonest a refused buyer is asked to come back.</summary>
    public static readonly TimeSpan SoonestComeBack = TimeSpan.FromSeconds(2);

    /// <summary>The latest: well inside a buyer's patience, and the edge's 30 s.</summary>
    public static readonly TimeSpan LatestComeBack = TimeSpan.FromSeconds(20);

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

    /// <summary>
    /// When a refused checkout should be sent again: from <see cref="SoonestComeBack"/>, later the more checkouts wait (a
    /// wave of turns per <see cref="OrdersOptions.MaxConcurrentCheckouts"/> waiting), spread at random up to that, at most
    /// <see cref="LatestComeBack"/>. Every come-back costs the edge and Orders a whole request: with a fixed 2 s, 2,000
    /// buyers came back 27,000 times in a 140 s sale, about 190 requests a second that only kept the cores from the
    /// checkouts that had a turn.
    /// </summary>
    public TimeSpan ComeBackIn()
    {
        var waiting = _turns.GetStatistics()?.CurrentQueuedCount ?? 0;
        var latest = Math.Min(LatestComeBack.TotalSeconds, SoonestComeBack.TotalSeconds + waiting / (double)Math.Max(1, options.MaxConcurrentCheckouts));
        var seconds = SoonestComeBack.TotalSeconds + Random.Shared.NextDouble() * (latest - SoonestComeBack.TotalSeconds);
        return TimeSpan.FromSeconds(Math.Ceiling(seconds));
    }

    public void Dispose() => _turns.Dispose();
}
