using System.Text.Json;
using ECommerce.EventBus.Outbox;
using ECommerce.Orders.Events;
using Google.Protobuf;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace ECommerce.Orders.Orders;

/// <summary>
/// Every change of an order, each in one transaction that first locks the order's row (so the saga, a cancellation
/// and a shipping event queue instead of racing), writes the history row of each transition, and records the
/// events in the outbox in the same transaction.
/// </summary>
internal sealed class OrderKeeper(IServiceScopeFactory scopes, TimeProvider clock, OrdersOptions options)
{
    public const string CheckoutActor = "checkout";

    /// <summary>Records a checked-out order under the caller's idempotency key, or finds the order the key already made.</summary>
    public async Task<Recording> RecordAsync(NewOrder order, CancellationToken cancellationToken)
    {
        return await InTransactionAsync(async unit =>
        {
            var now = clock.GetUtcNow();
            var orderId = Guid.CreateVersion7();
            // Concurrent requests with one key queue on the key's unique index; the first one's commit answers the others.
            var claimed = await unit.Db.Database.ExecuteSqlAsync($"""
                INSERT INTO idempotency_keys (user_id, key, request_hash, order_id, created_at)
                VALUES ({order.UserId}, {order.Key}, {order.Fingerprint}, {orderId}, {now})
                ON CONFLICT (user_id, key) DO NOTHING
                """, cancellationToken);
            if (claimed == 0)
            {
                return await ExistingAsync(unit.Db, order.UserId, order.Key, order.Fingerprint, cancellationToken);
            }
            var row = new OrderRow
            {
                Id = orderId,
                UserId = order.UserId,
                Status = OrderRules.Name(OrderStatus.Pending),
                Currency = order.Priced.Currency,
                Subtotal = order.Priced.Subtotal,
                ShippingCost = order.Priced.ShippingCost,
                Total = order.Priced.Total,
                ShippingAddress = JsonFormatter.Default.Format(order.Address),
                QuoteId = order.QuoteId,
                PaymentMethodToken = order.PaymentMethodToken,
                CreatedAt = now,
                UpdatedAt = now,
                SagaState = SagaStates.Running,
                NextAttemptAt = now,
                Lines = order.Priced.Lines.Select(line => new OrderLineRow
                {
                    OrderId = orderId, Position = line.Position, Sku = line.Sku, ProductId = line.ProductId, Name = line.Name,
                    Options = JsonSerializer.Serialize(line.Options), Quantity = line.Quantity, UnitPrice = line.UnitPrice, LineTotal = line.LineTotal,
                }).ToList(),
                History = [new OrderEventRow { OrderId = orderId, Status = OrderRules.Name(OrderStatus.Pending), OccurredAt = now, Actor = order.Actor, Reason = "checked out" }],
            };
            unit.Db.Orders.Add(row);
            await unit.PublishAsync(orderId, OrderEvents.Placed(row), cancellationToken);
            return new Recording.Recorded(orderId);
        }, cancellationToken);
    }

    /// <summary>What a key already made, if anything (the fast path of a retried PlaceOrder).</summary>
    public async Task<Recording?> FindKeyAsync(Guid userId, string key, string fingerprint, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrdersDb>();
        return await db.IdempotencyKeys.AnyAsync(k => k.UserId == userId && k.Key == key, cancellationToken)
            ? await ExistingAsync(db, userId, key, fingerprint, cancellationToken)
            : null;
    }

    private static async Task<Recording> ExistingAsync(OrdersDb db, Guid userId, string key, string fingerprint, CancellationToken cancellationToken)
    {
        var existing = await db.IdempotencyKeys.AsNoTracking().SingleAsync(k => k.UserId == userId && k.Key == key, cancellationToken);
        return existing.RequestHash == fingerprint ? new Recording.Existing(existing.OrderId) : new Recording.KeyReused(existing.OrderId);
    }

    public async Task<OrderRow?> GetAsync(Guid orderId, bool withHistory, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrdersDb>();
        IQueryable<OrderRow> query = db.Orders.AsNoTracking().Include(o => o.Lines);
        if (withHistory)
        {
            query = query.Include(o => o.History);
        }
        return await query.AsSplitQuery().SingleOrDefaultAsync(o => o.Id == orderId, cancellationToken);
    }

    /// <summary>Newest first; the page token is the offset of the next page.</summary>
    public async Task<(List<OrderRow> Orders, long Total)> ListAsync(Guid? userId, int pageSize, int offset, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrdersDb>();
        var query = db.Orders.AsNoTracking();
        if (userId is { } user)
        {
            query = query.Where(o => o.UserId == user);
        }
        var total = await query.LongCountAsync(cancellationToken);
        var page = await query.OrderByDescending(o => o.CreatedAt).ThenByDescending(o => o.Id).Skip(offset).Take(pageSize)
            .Include(o => o.Lines).AsSplitQuery().ToListAsync(cancellationToken);
        return (page, total);
    }

    // ---- the saga's records ----

    /// <summary>Takes the saga for <paramref name="owner"/> unless another process holds an unexpired lease on it.</summary>
    public async Task<bool> TryLeaseAsync(Guid orderId, Guid owner, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrdersDb>();
        var now = clock.GetUtcNow();
        var until = now + options.SagaLease;
        return await db.Orders
            .Where(o => o.Id == orderId && o.SagaState != SagaStates.Done && (o.LeaseUntil == null || o.LeaseUntil < now || o.LeaseOwner == owner))
            .ExecuteUpdateAsync(set => set.SetProperty(o => o.LeaseOwner, owner).SetProperty(o => o.LeaseUntil, until), cancellationToken) == 1;
    }

    /// <summary>Lets the saga go; the resumer takes it up again at <paramref name="nextAttemptAt"/> if it is not done.</summary>
    public async Task ReleaseLeaseAsync(Guid orderId, Guid owner, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrdersDb>();
        await db.Orders.Where(o => o.Id == orderId && o.LeaseOwner == owner)
            .ExecuteUpdateAsync(set => set.SetProperty(o => o.LeaseOwner, (Guid?)null).SetProperty(o => o.LeaseUntil, (DateTimeOffset?)null)
                .SetProperty(o => o.NextAttemptAt, nextAttemptAt), cancellationToken);
    }

    public async Task<SagaSnapshot> SnapshotAsync(Guid orderId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrdersDb>();
        var order = await db.Orders.AsNoTracking().Include(o => o.Lines).SingleAsync(o => o.Id == orderId, cancellationToken);
        var steps = await db.SagaSteps.AsNoTracking().Where(s => s.OrderId == orderId).ToDictionaryAsync(s => s.Step, cancellationToken);
        return new SagaSnapshot(order, steps);
    }

    /// <summary>Recorded before the call: after a crash, a started step is called again under the same idempotency key.</summary>
    public Task StepStartedAsync(Guid orderId, Guid owner, string step, CancellationToken cancellationToken) =>
        InTransactionAsync(async unit =>
        {
            await StepStartedAsync(unit, orderId, step, cancellationToken);
            await unit.Db.Orders.Where(o => o.Id == orderId && o.LeaseOwner == owner)
                .ExecuteUpdateAsync(set => set.SetProperty(o => o.LeaseUntil, clock.GetUtcNow() + options.SagaLease), cancellationToken);
            return true;
        }, cancellationToken);

    /// <summary>The same on the order's locked row, in the caller's transaction (the previous step's end records it).</summary>
    public async Task StepStartedAsync(Unit unit, OrderRow order, Guid owner, string step, CancellationToken cancellationToken)
    {
        await StepStartedAsync(unit, order.Id, step, cancellationToken);
        if (order.LeaseOwner == owner)
        {
            order.LeaseUntil = clock.GetUtcNow() + options.SagaLease;
        }
    }

    /// <summary>The same inside a transaction of the caller's (a cancellation records its stock return with the order's change).</summary>
    /// <param name="detail">What a resumer needs to carry the step through (a cancellation's actor and reason); null keeps what was there.</param>
    public static async Task StepStartedAsync(Unit unit, Guid orderId, string step, CancellationToken cancellationToken, string? detail = null)
    {
        var now = unit.Clock.GetUtcNow();
        await unit.Db.Database.ExecuteSqlAsync($"""
            INSERT INTO saga_steps (order_id, step, state, attempts, detail, started_at) VALUES ({orderId}, {step}, 'started', 1, {detail}, {now})
            ON CONFLICT (order_id, step) DO UPDATE SET state = 'started', attempts = saga_steps.attempts + 1,
                detail = COALESCE(EXCLUDED.detail, saga_steps.detail), started_at = {now}, finished_at = NULL
            """, cancellationToken);
    }

    /// <summary>A step started outside a saga's run (a cancellation), with what its resumer needs.</summary>
    public Task StepStartedAsync(Guid orderId, string step, string detail, CancellationToken cancellationToken) =>
        InTransactionAsync(async unit =>
        {
            await StepStartedAsync(unit, orderId, step, cancellationToken, detail);
            return true;
        }, cancellationToken);

    /// <summary>Ends <paramref name="step"/> if it is still started (in the caller's transaction when given one).</summary>
    public static Task EndStepAsync(Unit unit, Guid orderId, string step, string state, CancellationToken cancellationToken) =>
        EndStepAsync(unit.Db, unit.Clock, orderId, step, state, cancellationToken);

    /// <summary>Ends <paramref name="step"/> if it is still started, on its own.</summary>
    public async Task EndStepAsync(Guid orderId, string step, string state, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await EndStepAsync(scope.ServiceProvider.GetRequiredService<OrdersDb>(), clock, orderId, step, state, cancellationToken);
    }

    private static Task EndStepAsync(OrdersDb db, TimeProvider clock, Guid orderId, string step, string state, CancellationToken cancellationToken) =>
        db.SagaSteps.Where(s => s.OrderId == orderId && s.Step == step && s.State == "started")
            .ExecuteUpdateAsync(set => set.SetProperty(s => s.State, state).SetProperty(s => s.FinishedAt, clock.GetUtcNow()), cancellationToken);

    /// <summary>Orders whose <paramref name="step"/> was started before <paramref name="startedBefore"/> and never finished.</summary>
    public async Task<List<(Guid OrderId, string? Detail)>> StartedStepsAsync(string step, DateTimeOffset startedBefore, int limit, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrdersDb>();
        var started = await db.SagaSteps.AsNoTracking().Where(s => s.Step == step && s.State == "started" && s.StartedAt < startedBefore)
            .OrderBy(s => s.StartedAt).Select(s => new { s.OrderId, s.Detail }).Take(limit).ToListAsync(cancellationToken);
        return [.. started.Select(s => (s.OrderId, s.Detail))];
    }

    /// <summary>Recorded after the call, with what it returned and the order's change it makes, in one transaction.</summary>
    public Task StepFinishedAsync(Guid orderId, string step, bool done, string? detail, Func<OrderRow, Unit, Task>? change, CancellationToken cancellationToken) =>
        InTransactionAsync(async unit =>
        {
            var order = await unit.LockAsync(orderId, cancellationToken);
            var row = await unit.Db.SagaSteps.SingleAsync(s => s.OrderId == orderId && s.Step == step, cancellationToken);
            row.State = done ? "done" : "refused";
            row.Detail = detail;
            row.FinishedAt = clock.GetUtcNow();
            if (change is not null)
            {
                await change(order, unit);
            }
            order.UpdatedAt = clock.GetUtcNow();
            return true;
        }, cancellationToken);

    /// <summary>The checkout cannot finish: from now on the saga only undoes (and the reason is the order's).</summary>
    public Task BeginCompensationAsync(Guid orderId, string reason, CancellationToken cancellationToken) =>
        InTransactionAsync(async unit =>
        {
            var order = await unit.LockAsync(orderId, cancellationToken);
            if (order.SagaState == SagaStates.Running)
            {
                order.SagaState = SagaStates.Compensating;
                order.FailureReason = reason;
                order.UpdatedAt = clock.GetUtcNow();
            }
            return true;
        }, cancellationToken);

    /// <summary>Captured and committed: paid (and fulfilling when a shipment is booked); the cart may empty.</summary>
    public Task ConfirmAsync(Guid orderId, CancellationToken cancellationToken) =>
        InTransactionAsync(async unit =>
        {
            await ConfirmAsync(unit, await unit.LockAsync(orderId, cancellationToken), cancellationToken);
            return true;
        }, cancellationToken);

    /// <summary>The same in the caller's transaction, on the order's locked row (the commit's end records it with the confirmation).</summary>
    public static async Task ConfirmAsync(Unit unit, OrderRow order, CancellationToken cancellationToken)
    {
        if (order.SagaState == SagaStates.Done)
        {
            return;
        }
        Move(unit, order, OrderStatus.Paid, CheckoutActor, "payment captured, stock committed");
        await unit.PublishAsync(order.Id, OrderEvents.Paid(order), cancellationToken);
        await unit.PublishAsync(order.Id, OrderEvents.Confirmed(order), cancellationToken);
        if (order.ShipmentId is not null)
        {
            Move(unit, order, OrderStatus.Fulfilling, CheckoutActor, $"shipment {order.ShipmentId} booked");
        }
        order.SagaState = SagaStates.Done;
        order.LeaseOwner = null;
        order.LeaseUntil = null;
    }

    /// <summary>Everything done was undone: the order ends failed with its reason.</summary>
    public Task FailAsync(Guid orderId, CancellationToken cancellationToken) =>
        InTransactionAsync(async unit =>
        {
            var order = await unit.LockAsync(orderId, cancellationToken);
            if (order.SagaState == SagaStates.Done)
            {
                return true;
            }
            var reason = order.FailureReason ?? "checkout failed";
            Move(unit, order, OrderStatus.Failed, CheckoutActor, reason);
            await unit.PublishAsync(orderId, OrderEvents.Cancelled(order, reason, failed: true), cancellationToken);
            order.SagaState = SagaStates.Done;
            order.LeaseOwner = null;
            order.LeaseUntil = null;
            return true;
        }, cancellationToken);

    /// <summary>Sagas nobody drives whose time has come.</summary>
    public async Task<List<Guid>> UnfinishedSagasAsync(int limit, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrdersDb>();
        var now = clock.GetUtcNow();
        return await db.Orders.AsNoTracking()
            .Where(o => o.SagaState != SagaStates.Done && o.NextAttemptAt <= now && (o.LeaseUntil == null || o.LeaseUntil < now))
            .OrderBy(o => o.NextAttemptAt).Select(o => o.Id).Take(limit).ToListAsync(cancellationToken);
    }

    /// <summary>Forgets PlaceOrder keys older than the retention (at least 24 hours).</summary>
    public async Task<int> ForgetOldKeysAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrdersDb>();
        var before = clock.GetUtcNow() - options.IdempotencyKeyRetention;
        return await db.IdempotencyKeys.Where(k => k.CreatedAt < before).ExecuteDeleteAsync(cancellationToken);
    }

    // ---- after the checkout ----

    /// <summary>Applies a status change from outside the checkout (a cancellation, a refund, a shipping event) if the state machine allows it.</summary>
    public Task<Transition> ChangeAsync(Guid orderId, Func<OrderRow, Unit, Task<Transition>> change, CancellationToken cancellationToken) =>
        InTransactionAsync(async unit =>
        {
            var order = await unit.LockAsync(orderId, cancellationToken);
            var result = await change(order, unit);
            order.UpdatedAt = clock.GetUtcNow();
            return result;
        }, cancellationToken);

    /// <summary>The same inside an event consumer's transaction (so a redelivered event changes nothing).</summary>
    public async Task<Transition> ChangeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid orderId,
        Func<OrderRow, Unit, Task<Transition>> change, CancellationToken cancellationToken)
    {
        await using var db = new OrdersDb(new DbContextOptionsBuilder<OrdersDb>().UseNpgsql(connection).Options);
        await db.Database.UseTransactionAsync(transaction, cancellationToken);
        var unit = new Unit(db, connection, transaction, clock);
        if (!await db.Orders.AnyAsync(o => o.Id == orderId, cancellationToken))
        {
            return new Transition.NotFound();
        }
        var order = await unit.LockAsync(orderId, cancellationToken);
        var result = await change(order, unit);
        order.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return result;
    }

    /// <summary>Moves the order if the state machine allows it, with its history row; false (nothing written) otherwise.</summary>
    public static bool TryMove(Unit unit, OrderRow order, OrderStatus to, string actor, string reason)
    {
        if (!OrderRules.CanMove(OrderRules.Parse(order.Status), to))
        {
            return false;
        }
        order.Status = OrderRules.Name(to);
        unit.Db.OrderEvents.Add(new OrderEventRow { OrderId = order.Id, Status = order.Status, OccurredAt = unit.Clock.GetUtcNow(), Actor = actor, Reason = reason });
        return true;
    }

    private static void Move(Unit unit, OrderRow order, OrderStatus to, string actor, string reason)
    {
        if (!TryMove(unit, order, to, actor, reason))
        {
            throw new InvalidOperationException($"Order {order.Id} cannot go from {order.Status} to {OrderRules.Name(to)}.");
        }
    }

    private async Task<T> InTransactionAsync<T>(Func<Unit, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrdersDb>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var unit = new Unit(db, (NpgsqlConnection)db.Database.GetDbConnection(), (NpgsqlTransaction)transaction.GetDbTransaction(), clock);
        var result = await work(unit);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    /// <summary>One transaction's context: the EF unit of work and its connection, for the outbox.</summary>
    internal sealed class Unit(OrdersDb db, NpgsqlConnection connection, NpgsqlTransaction transaction, TimeProvider clock)
    {
        public OrdersDb Db { get; } = db;
        public TimeProvider Clock { get; } = clock;

        public Task PublishAsync(Guid orderId, IMessage @event, CancellationToken cancellationToken) =>
            Outbox.AddAsync(connection, transaction, orderId.ToString(), @event, cancellationToken);

        public async Task<OrderRow> LockAsync(Guid orderId, CancellationToken cancellationToken)
        {
            await Db.Database.ExecuteSqlAsync($"SELECT 1 FROM orders WHERE id = {orderId} FOR UPDATE", cancellationToken);
            return await Db.Orders.Include(o => o.Lines).SingleAsync(o => o.Id == orderId, cancellationToken);
        }
    }
}

internal static class SagaStates
{
    public const string Running = "running";
    public const string Compensating = "compensating";
    public const string Done = "done";
}

internal sealed record NewOrder(Guid UserId, string Key, string Fingerprint, string Actor, Priced Priced, Address Address, string? QuoteId, string PaymentMethodToken);

internal sealed record SagaSnapshot(OrderRow Order, IReadOnlyDictionary<string, SagaStepRow> Steps)
{
    public bool Done(string step) => Steps.TryGetValue(step, out var row) && row.State == "done";
    public bool Started(string step) => Steps.ContainsKey(step);
}

internal abstract record Recording
{
    public sealed record Recorded(Guid OrderId) : Recording;
    public sealed record Existing(Guid OrderId) : Recording;
    public sealed record KeyReused(Guid OrderId) : Recording;
}

internal abstract record Transition
{
    public sealed record Applied : Transition;
    public sealed record NotFound : Transition;
    public sealed record Refused(string Reason) : Transition;
}
