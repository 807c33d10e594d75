namespace ECommerce.Catalog.Inventory;

/// <summary>
/// Stock per SKU and the reservations of orders. Every change is one transaction that also records
/// its InventoryChanged (and StockLevelLow) events, and invalidates the cached products after commit.
/// </summary>
/// <remarks>
/// Overselling is prevented by the database, not by reading first: a reservation is a conditional
/// <c>UPDATE … SET reserved = reserved + q WHERE on_hand - reserved &gt;= q</c> per line, all lines in
/// one transaction, rows locked in SKU order. Concurrent buyers of the last unit queue on its row
/// lock, and each re-checks the condition against the committed row when its turn comes.
/// </remarks>
internal sealed class StockKeeper(NpgsqlDataSource dataSource, CatalogCache cache, CatalogOptions options, TimeProvider clock)
{
    public async Task<StockLevel?> GetAsync(string sku, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT sku, on_hand, reserved FROM variants WHERE sku = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = sku });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Level(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)) : null;
    }

    public async Task<AdjustmentOutcome> AdjustAsync(string sku, long delta, string reason, string adjustedBy, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        StockChange? change = null;
        await using (var adjust = new NpgsqlCommand("""
            UPDATE variants SET on_hand = on_hand + $2 WHERE sku = $1 AND on_hand + $2 >= reserved
            RETURNING product_id, on_hand, reserved
            """, connection, transaction) { Parameters = { new() { Value = sku }, new() { Value = delta } } })
        await using (var reader = await adjust.ExecuteReaderAsync(cancellationToken))
        {
            if (await reader.ReadAsync(cancellationToken))
            {
                var (onHand, reserved) = (reader.GetInt64(1), reader.GetInt64(2));
                change = new StockChange(sku, reader.GetGuid(0), onHand, reserved, onHand - delta - reserved);
            }
        }
        if (change is null)
        {
            var current = await GetAsync(sku, cancellationToken);
            return current is null ? new AdjustmentOutcome.UnknownSku() : new AdjustmentOutcome.BelowReserved(current);
        }

        await using (var audit = new NpgsqlCommand("INSERT INTO stock_adjustments (sku, delta, reason, adjusted_by, adjusted_at) VALUES ($1, $2, $3, $4, $5)",
            connection, transaction)
        {
            Parameters = { new() { Value = sku }, new() { Value = delta }, new() { Value = reason }, new() { Value = adjustedBy }, new() { Value = clock.GetUtcNow() } },
        })
        {
            await audit.ExecuteNonQueryAsync(cancellationToken);
        }
        await AddEventsAsync(connection, transaction, [change], "adjusted", "", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await cache.InvalidateAsync(CatalogCache.ProductKey(change.ProductId));
        return new AdjustmentOutcome.Adjusted(Level(sku, change.OnHand, change.Reserved));
    }

    /// <param name="lines">Normalized: one per SKU, sorted (<see cref="StockRules.Normalize"/>).</param>
    public async Task<ReservationOutcome> ReserveAsync(string orderId, IReadOnlyList<StockLine> lines, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var expiresAt = now + options.ReservationTtl;
        var reservationId = Guid.CreateVersion7();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // A second call for the same order waits here for the first one's transaction, then finds its reservation.
        await using (var claim = new NpgsqlCommand("""
            INSERT INTO reservations (order_id, reservation_id, status, created_at, expires_at) VALUES ($1, $2, 'reserved', $3, $4)
            ON CONFLICT (order_id) DO NOTHING
            """, connection, transaction)
        {
            Parameters = { new() { Value = orderId }, new() { Value = reservationId }, new() { Value = now }, new() { Value = expiresAt } },
        })
        {
            if (await claim.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                await transaction.RollbackAsync(cancellationToken);
                return await ExistingAsync(orderId, cancellationToken);
            }
        }

        var changes = new List<StockChange>();
        var shortages = new List<Shortage>();
        foreach (var line in lines)
        {
            await using var reserve = new NpgsqlCommand("""
                UPDATE variants SET reserved = reserved + $2 WHERE sku = $1 AND on_hand - reserved >= $2
                RETURNING product_id, on_hand, reserved
                """, connection, transaction) { Parameters = { new() { Value = line.Sku }, new() { Value = line.Quantity } } };
            await using var reader = await reserve.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                changes.Add(new StockChange(line.Sku, reader.GetGuid(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(1) - reader.GetInt64(2) + line.Quantity));
            }
            else
            {
                await reader.DisposeAsync();
                shortages.Add(new Shortage(line.Sku, line.Quantity, await AvailableAsync(connection, transaction, line.Sku, cancellationToken)));
            }
        }
        if (shortages.Count > 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            return new ReservationOutcome.Short(shortages);
        }

        await using (var saveLines = new NpgsqlCommand("INSERT INTO reservation_lines (order_id, sku, quantity) SELECT $1, * FROM unnest($2::text[], $3::bigint[])",
            connection, transaction)
        {
            Parameters = { new() { Value = orderId }, new() { Value = lines.Select(line => line.Sku).ToArray() }, new() { Value = lines.Select(line => line.Quantity).ToArray() } },
        })
        {
            await saveLines.ExecuteNonQueryAsync(cancellationToken);
        }
        await AddEventsAsync(connection, transaction, changes, "reserved", orderId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await cache.InvalidateAsync(changes.Select(change => CatalogCache.ProductKey(change.ProductId)));
        return new ReservationOutcome.Reserved(reservationId, expiresAt);
    }

    /// <summary>
    /// Ends a reservation: releasing (or expiring) returns its units to available stock; committing
    /// takes them out of stock; returning puts a committed reservation's units back on hand (a sale undone).
    /// Settling twice the same way does nothing the second time.
    /// </summary>
    public async Task<SettlementOutcome> SettleAsync(string orderId, Settlement settlement, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        string status;
        DateTimeOffset expiresAt;
        await using (var find = new NpgsqlCommand("SELECT status, expires_at FROM reservations WHERE order_id = $1 FOR UPDATE", connection, transaction)
        {
            Parameters = { new() { Value = orderId } },
        })
        await using (var reader = await find.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                return new SettlementOutcome.NotFound();
            }
            status = reader.GetString(0);
            expiresAt = reader.GetFieldValue<DateTimeOffset>(1);
        }

        var target = StatusOf(settlement);
        if (status == target)
        {
            return new SettlementOutcome.AlreadyDone();
        }
        // Only a sale can be returned; everything else settles a reservation still open.
        if (status != (settlement == Settlement.Return ? "committed" : "reserved"))
        {
            return new SettlementOutcome.AlreadySettled(status);
        }
        var expired = settlement != Settlement.Return && expiresAt <= now;
        if (settlement == Settlement.Expire && !expired)
        {
            return new SettlementOutcome.AlreadyDone();
        }
        // A commit that comes after the reservation's time is up fails even if the sweeper has not run yet.
        var commitTooLate = settlement == Settlement.Commit && expired;
        if (commitTooLate)
        {
            settlement = Settlement.Expire;
            target = StatusOf(settlement);
        }

        // Row locks in SKU order, as reservations take them, so the two never deadlock.
        await using (var lockRows = new NpgsqlCommand("""
            SELECT 1 FROM variants WHERE sku IN (SELECT sku FROM reservation_lines WHERE order_id = $1) ORDER BY sku FOR UPDATE
            """, connection, transaction) { Parameters = { new() { Value = orderId } } })
        {
            await lockRows.ExecuteNonQueryAsync(cancellationToken);
        }
        var changes = new List<StockChange>();
        await using (var settle = new NpgsqlCommand($"""
            WITH lines AS (SELECT sku, quantity FROM reservation_lines WHERE order_id = $1)
            UPDATE variants v SET {settlement switch
            {
                Settlement.Commit => "reserved = v.reserved - lines.quantity, on_hand = v.on_hand - lines.quantity",
                Settlement.Return => "on_hand = v.on_hand + lines.quantity",
                _ => "reserved = v.reserved - lines.quantity",
            }}
            FROM lines WHERE v.sku = lines.sku
            RETURNING v.sku, v.product_id, v.on_hand, v.reserved, lines.quantity
            """, connection, transaction) { Parameters = { new() { Value = orderId } } })
        await using (var reader = await settle.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var (onHand, reserved, quantity) = (reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4));
                var availableBefore = settlement == Settlement.Commit ? onHand - reserved : onHand - reserved - quantity;
                changes.Add(new StockChange(reader.GetString(0), reader.GetGuid(1), onHand, reserved, availableBefore));
            }
        }
        await using (var mark = new NpgsqlCommand("UPDATE reservations SET status = $2, settled_at = $3 WHERE order_id = $1", connection, transaction)
        {
            Parameters = { new() { Value = orderId }, new() { Value = target }, new() { Value = now } },
        })
        {
            await mark.ExecuteNonQueryAsync(cancellationToken);
        }
        await AddEventsAsync(connection, transaction, changes, target, orderId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await cache.InvalidateAsync(changes.Select(change => CatalogCache.ProductKey(change.ProductId)));
        return commitTooLate ? new SettlementOutcome.Expired() : new SettlementOutcome.Settled();
    }

    /// <summary>Orders whose reservation has run out and was never committed or released.</summary>
    public async Task<List<string>> ExpiredOrdersAsync(int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT order_id FROM reservations WHERE status = 'reserved' AND expires_at <= $1 ORDER BY expires_at LIMIT $2");
        command.Parameters.Add(new NpgsqlParameter { Value = clock.GetUtcNow() });
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var orders = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            orders.Add(reader.GetString(0));
        }
        return orders;
    }

    private async Task<ReservationOutcome> ExistingAsync(string orderId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT reservation_id, status, expires_at FROM reservations WHERE order_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = orderId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var status = reader.GetString(1);
        return status is "reserved" or "committed"
            ? new ReservationOutcome.Reserved(reader.GetGuid(0), reader.GetFieldValue<DateTimeOffset>(2))
            : new ReservationOutcome.Ended(status);
    }

    private static async Task<long?> AvailableAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sku, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT on_hand - reserved FROM variants WHERE sku = $1", connection, transaction)
        {
            Parameters = { new() { Value = sku } },
        };
        return await command.ExecuteScalarAsync(cancellationToken) as long?;
    }

    private async Task AddEventsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IEnumerable<StockChange> changes, string reason,
        string orderId, CancellationToken cancellationToken)
    {
        foreach (var change in changes)
        {
            await Outbox.AddAsync(connection, transaction, change.Sku, new InventoryChanged
            {
                Sku = change.Sku,
                ProductId = change.ProductId.ToString(),
                OnHand = change.OnHand,
                Reserved = change.Reserved,
                Available = change.Available,
                Reason = reason,
                OrderId = orderId,
            }, cancellationToken);
            if (StockRules.FellToLow(change.AvailableBefore, change.Available, options.LowStockThreshold))
            {
                await Outbox.AddAsync(connection, transaction, change.Sku, new StockLevelLow
                {
                    Sku = change.Sku,
                    ProductId = change.ProductId.ToString(),
                    Available = change.Available,
                    Threshold = options.LowStockThreshold,
                }, cancellationToken);
            }
        }
    }

    private static string StatusOf(Settlement settlement) => settlement switch
    {
        Settlement.Release => "released",
        Settlement.Commit => "committed",
        Settlement.Return => "returned",
        _ => "expired",
    };

    private static StockLevel Level(string sku, long onHand, long reserved) =>
        new() { Sku = sku, OnHand = onHand, Reserved = reserved, Available = onHand - reserved };

    private sealed record StockChange(string Sku, Guid ProductId, long OnHand, long Reserved, long AvailableBefore)
    {
        public long Available => OnHand - Reserved;
    }
}

internal enum Settlement { Release, Commit, Expire, Return }

internal sealed record Shortage(string Sku, long Requested, long? Available);

internal abstract record ReservationOutcome
{
    public sealed record Reserved(Guid ReservationId, DateTimeOffset ExpiresAt) : ReservationOutcome;
    public sealed record Short(IReadOnlyList<Shortage> Shortages) : ReservationOutcome;
    /// <summary>The order's reservation was released or expired; an order id reserves only once.</summary>
    public sealed record Ended(string Status) : ReservationOutcome;
}

internal abstract record SettlementOutcome
{
    public sealed record Settled : SettlementOutcome;
    public sealed record AlreadyDone : SettlementOutcome;
    public sealed record NotFound : SettlementOutcome;
    /// <summary>A commit came too late: the reservation has just been released as expired.</summary>
    public sealed record Expired : SettlementOutcome;
    public sealed record AlreadySettled(string Status) : SettlementOutcome;
}

internal abstract record AdjustmentOutcome
{
    public sealed record Adjusted(StockLevel Stock) : AdjustmentOutcome;
    public sealed record UnknownSku : AdjustmentOutcome;
    public sealed record BelowReserved(StockLevel Stock) : AdjustmentOutcome;
}
