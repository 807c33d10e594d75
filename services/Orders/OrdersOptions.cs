namespace ECommerce.Orders;

/// <summary>Settings under <c>Orders</c>.</summary>
public sealed class OrdersOptions
{
    /// <summary>
    /// Whether the checkout prices shipping from a Shipping quote and books the shipment. Off only where no Shipping
    /// service runs (tests of the other steps): the order then has no shipping cost and no shipment.
    /// </summary>
    public bool ShippingEnabled { get; set; } = true;

    /// <summary>How long one process may drive a saga before another may take it over (a crashed process's lease runs out).</summary>
    public TimeSpan SagaLease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the resumer looks for sagas nobody drives (also once at start).</summary>
    public TimeSpan ResumeInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The deadline of each call to another service.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Attempts of a step whose participant is unavailable, in one run, before the checkout gives up and compensates. The
    /// waits between them double from 250 ms (0.25 + 0.5 + 1 + 2 + 4 s with 6 attempts), so they outlast a caller's open
    /// circuit (5 s): with 3 quick attempts a burst that opened the circuit to Payment failed orders holding stock.
    /// </summary>
    public int StepAttempts { get; set; } = 6;

    /// <summary>
    /// New checkouts that run at once in this process (see <c>CheckoutAdmission</c>). Most of a checkout's time is spent
    /// waiting for Cart, Catalog, Payment and Shipping, so this is well above the cores; the default suits a 2-core laptop.
    /// </summary>
    public int MaxConcurrentCheckouts { get; set; } = 16;

    /// <summary>New checkouts that may wait for a turn; beyond them a checkout is refused at once (RESOURCE_EXHAUSTED).</summary>
    public int AdmissionQueue { get; set; } = 1000;

    /// <summary>How long a new checkout waits for a turn before it is refused, to be retried with the same key.</summary>
    public TimeSpan AdmissionWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long PlaceOrder keys are kept: at least 24 hours.</summary>
    public TimeSpan IdempotencyKeyRetention { get; set; } = TimeSpan.FromHours(48);
}
