using System.Collections.Concurrent;

namespace ECommerce.Orders.Checkout;

/// <summary>
/// Drives one order's checkout to its end: forward through the steps, or, once a step is refused (or a participant
/// stays unavailable), backwards through the compensations. Every step is recorded in Orders' database before its
/// call (started) and after it (done or refused), so a run that dies anywhere is continued by <see cref="SagaResumer"/>
/// from the records: a started step is called again under the same idempotency key.
/// </summary>
/// <remarks>
/// One driver per order: in this process, concurrent callers share one run; across processes, a lease on the order's
/// row (<see cref="OrdersOptions.SagaLease"/>) keeps others out until it runs out.
/// </remarks>
internal sealed class CheckoutSaga(OrderKeeper orders, Participants participants, OrdersOptions options, TimeProvider clock,
    IHostApplicationLifetime lifetime, ILogger<CheckoutSaga> logger)
{
    /// <summary>The forward steps, in order; see docs/orders.md for why capture comes before commit.</summary>
    public static readonly string[] Steps = [Reserve, Authorize, Ship, Capture, Commit];

    public const string Reserve = "reserve";
    public const string Authorize = "authorize";
    public const string Ship = "ship";
    public const string Capture = "capture";
    public const string Commit = "commit";
    public const string CancelShipment = "cancel_shipment";
    public const string ReturnPayment = "return_payment";
    public const string Release = "release";

    private readonly Guid _owner = Guid.NewGuid();
    private readonly ConcurrentDictionary<Guid, Lazy<Task>> _running = new();

    /// <summary>Runs the order's saga until it ends or has to wait (a participant unavailable after a capture, a lease held elsewhere).</summary>
    public async Task RunAsync(Guid orderId, CancellationToken cancellationToken)
    {
        var run = _running.GetOrAdd(orderId, id => new Lazy<Task>(() => Task.Run(() => DriveAsync(id, lifetime.ApplicationStopping))));
        try
        {
            await run.Value.WaitAsync(cancellationToken);
        }
        finally
        {
            if (run.Value.IsCompleted)
            {
                _running.TryRemove(KeyValuePair.Create(orderId, run));
            }
        }
    }

    /// <summary>Waits until no one drives the saga any more, taking it over if its driver's lease ran out; the order as it is then.</summary>
    public async Task<OrderRow?> SettleAsync(Guid orderId, CancellationToken cancellationToken)
    {
        while (true)
        {
            await RunAsync(orderId, cancellationToken);
            var order = await orders.GetAsync(orderId, withHistory: true, cancellationToken);
            if (order is null || order.SagaState == SagaStates.Done || order.LeaseUntil is null)
            {
                return order;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }

    private async Task DriveAsync(Guid orderId, CancellationToken stopping)
    {
        if (!await orders.TryLeaseAsync(orderId, _owner, stopping))
        {
            return;
        }
        var retryAt = clock.GetUtcNow() + options.ResumeInterval;
        try
        {
            var snapshot = await orders.SnapshotAsync(orderId, stopping);
            if (snapshot.Order.SagaState == SagaStates.Running)
            {
                if (await ForwardAsync(snapshot, stopping) != Forward.Compensate)
                {
                    return;
                }
                snapshot = await orders.SnapshotAsync(orderId, stopping);
            }
            if (snapshot.Order.SagaState == SagaStates.Compensating)
            {
                await CompensateAsync(snapshot, stopping);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !stopping.IsCancellationRequested)
        {
            logger.LogError(e, "Checkout of order {OrderId} stopped; the resumer continues it", orderId);
        }
        finally
        {
            await orders.ReleaseLeaseAsync(orderId, _owner, retryAt, CancellationToken.None);
        }
    }

    private enum Forward { Confirmed, Compensate, Wait }

    /// <summary>The forward steps not yet done, then the confirmation; or where it had to stop.</summary>
    private async Task<Forward> ForwardAsync(SagaSnapshot snapshot, CancellationToken stopping)
    {
        var order = snapshot.Order;
        // The steps run one after the other, so those not done are the last ones.
        var toDo = Steps.Where(step => !snapshot.Done(step) && (step != Ship || options.ShippingEnabled)).ToList();
        if (toDo.Count == 0)
        {
            await orders.ConfirmAsync(order.Id, stopping);
            return Forward.Confirmed;
        }
        var recordedStarted = false;
        for (var i = 0; i < toDo.Count; i++)
        {
            var (step, next) = (toDo[i], i + 1 < toDo.Count ? toDo[i + 1] : null);
            var result = await CallWithRetriesAsync(order, step, recordedStarted, stopping);
            switch (result)
            {
                case StepResult.Done done:
                    Remember(order, step, done.Detail);
                    // One transaction ends the step and starts the next (or confirms the order after the last): the records a
                    // crash right after it leaves are those of a crash before the next call, which the resumer continues.
                    await orders.StepFinishedAsync(order.Id, step, done: true, done.Detail, async (row, unit) =>
                    {
                        AfterStep(row, unit, step, done.Detail);
                        await (next is null
                            ? OrderKeeper.ConfirmAsync(unit, row, stopping)
                            : orders.StepStartedAsync(unit, row, _owner, next, stopping));
                    }, stopping);
                    recordedStarted = true;
                    break;
                case StepResult.Refused refused:
                    await orders.StepFinishedAsync(order.Id, step, done: false, refused.Detail ?? refused.Reason, null, stopping);
                    await orders.BeginCompensationAsync(order.Id, $"{step}: {refused.Reason}", stopping);
                    return Forward.Compensate;
                case StepResult.Unavailable unavailable when step == Commit:
                    // Money is captured: only an expired reservation (a refusal) turns back now; unavailable is retried later.
                    logger.LogWarning("Commit of order {OrderId} waits: {Reason}", order.Id, unavailable.Reason);
                    return Forward.Wait;
                case StepResult.Unavailable unavailable:
                    await orders.BeginCompensationAsync(order.Id, $"{step}: unavailable ({unavailable.Reason})", stopping);
                    return Forward.Compensate;
            }
        }
        return Forward.Confirmed;
    }

    /// <summary>What the later steps' calls need from a done step, kept on the saga's copy of the order instead of reloading it.</summary>
    private static void Remember(OrderRow order, string step, string? detail)
    {
        switch (step)
        {
            case Authorize:
                order.PaymentId = detail;
                break;
            case Ship:
                order.ShipmentId = detail;
                break;
        }
    }

    /// <summary>A done step's change of the order's row, recorded with its end.</summary>
    private static void AfterStep(OrderRow order, OrderKeeper.Unit unit, string step, string? detail)
    {
        Remember(order, step, detail);
        if (step == Reserve)
        {
            OrderKeeper.TryMove(unit, order, OrderStatus.AwaitingPayment, OrderKeeper.CheckoutActor, "stock reserved");
        }
    }

    /// <param name="recordedStarted">The previous step's end recorded this one started: its first attempt need not.</param>
    private async Task<StepResult> CallWithRetriesAsync(OrderRow order, string step, bool recordedStarted, CancellationToken stopping)
    {
        StepResult result = new StepResult.Unavailable("not called");
        for (var attempt = 1; attempt <= Math.Max(1, options.StepAttempts); attempt++)
        {
            if (attempt > 1 || !recordedStarted)
            {
                await orders.StepStartedAsync(order.Id, _owner, step, stopping);
            }
            result = step switch
            {
                Reserve => await participants.ReserveAsync(order, stopping),
                Authorize => await participants.AuthorizeAsync(order, stopping),
                Ship => await participants.ShipAsync(order, stopping),
                Capture => await participants.CaptureAsync(order, stopping),
                Commit => await participants.CommitAsync(order, stopping),
                _ => throw new InvalidOperationException($"Unknown step {step}."),
            };
            if (result is not StepResult.Unavailable)
            {
                return result;
            }
            if (attempt < options.StepAttempts)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250 << (attempt - 1)), stopping);
            }
        }
        return result;
    }

    /// <summary>
    /// Undoes in reverse order what the forward steps may have done; each compensation is recorded like a step. One whose
    /// participant is unavailable does not hold up the others (a carrier that is down must not keep the customer's card on
    /// hold or the stock reserved): the saga waits for the resumer only once every other compensation has been tried.
    /// </summary>
    private async Task CompensateAsync(SagaSnapshot snapshot, CancellationToken stopping)
    {
        var order = snapshot.Order;
        var reason = order.FailureReason ?? "checkout failed";
        var compensations = new List<(string Step, Func<Task<StepResult>> Call)>();
        if (options.ShippingEnabled && snapshot.Started(Ship))
        {
            compensations.Add((CancelShipment, () => participants.CancelShipmentAsync(order, reason, stopping)));
        }
        if (snapshot.Started(Authorize))
        {
            compensations.Add((ReturnPayment, () => participants.ReturnPaymentAsync(order, ReturnPayment, stopping)));
        }
        if (snapshot.Started(Reserve))
        {
            compensations.Add((Release, () => participants.ReleaseAsync(order, stopping)));
        }
        var waiting = false;
        foreach (var (step, call) in compensations.Where(c => !snapshot.Done(c.Step)))
        {
            await orders.StepStartedAsync(order.Id, _owner, step, stopping);
            var result = await call();
            if (result is StepResult.Unavailable unavailable)
            {
                logger.LogWarning("Compensation {Step} of order {OrderId} waits: {Reason}", step, order.Id, unavailable.Reason);
                waiting = true;
                continue;
            }
            // A refusal of a compensation means there is nothing (left) to undo: a released, voided or cancelled thing.
            await orders.StepFinishedAsync(order.Id, step, done: true, (result as StepResult.Refused)?.Reason, null, stopping);
        }
        if (!waiting)
        {
            await orders.FailAsync(order.Id, stopping);
        }
    }
}
