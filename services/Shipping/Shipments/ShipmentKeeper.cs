using ECommerce.Shipping.Events;
using Google.Protobuf.WellKnownTypes;
using NpgsqlTypes;

namespace ECommerce.Shipping.Shipments;

/// <summary>
/// Shipments, their tracking and their returns. Every change is one transaction that locks the shipment row, brings it
/// to what the carrier reported, appends the carrier's new tracking events and records the change's events in the
/// outbox; the carrier is called between transactions, never inside one.
/// </summary>
/// <remarks>
/// One shipment per order: CreateShipment first records it as pending under the order id (a unique column; a
/// concurrent call waits for the first insert, then finds it), then books it with the carrier under an idempotency key
/// derived from the shipment. A lost answer is looked up under that key; only without a record is the booking sent
/// again, which the key makes harmless. The carrier's record is applied to the locked row only as far as the state
/// machine allows (<see cref="ShipmentRules.CanMove"/>), so concurrent calls and repeated webhooks announce each change once.
/// </remarks>
internal sealed class ShipmentKeeper(NpgsqlDataSource dataSource, ICarrier carrier, QuoteKeeper quotes, ShippingOptions options, TimeProvider clock,
    ILogger<ShipmentKeeper> logger)
{
    private const int CarrierAttempts = 3;

    public async Task<ShipmentOutcome> CreateAsync(string orderId, Guid quoteId, string userId, string actor, CancellationToken cancellationToken)
    {
        var shipment = await FindAsync("order_id = $1", orderId, cancellationToken);
        if (shipment is null)
        {
            var quote = await quotes.GetAsync(quoteId, cancellationToken);
            if (quote is null)
            {
                return new ShipmentOutcome.QuoteNotFound();
            }
            if (quote.UserId != userId)
            {
                return new ShipmentOutcome.QuoteOfAnotherUser();
            }
            if (quote.IsExpired(clock.GetUtcNow()))
            {
                return new ShipmentOutcome.QuoteExpired(quote.ExpiresAt);
            }
            shipment = await InsertPendingAsync(orderId, quote, cancellationToken);
            logger.LogInformation("Shipment {ShipmentId} of order {OrderId} recorded from quote {QuoteId} by {Actor}", shipment.ShipmentId, orderId, quoteId, actor);
        }
        if (!shipment.IsBookingOf(quoteId, userId))
        {
            return new ShipmentOutcome.OrderHasOtherShipment(shipment);
        }
        if (shipment.Status != ShipmentState.Pending)
        {
            return await DoneAsync(shipment, cancellationToken);
        }

        CarrierParcel? parcel;
        try
        {
            parcel = await BookAsync(shipment, cancellationToken);
        }
        catch (PartnerRefusedException refused)
        {
            // Nothing was booked: the shipment ends here, and the order learns why.
            await ApplyAsync(shipment.ShipmentId, Unbooked(), null, cancellationToken, cancelReason: $"The carrier refused the shipment: {refused.Message}");
            return new ShipmentOutcome.CarrierRefused(refused.Code, refused.Message);
        }
        if (parcel is null)
        {
            return new ShipmentOutcome.Unknown("The carrier did not answer; the shipment is pending. Call CreateShipment again for the order.");
        }
        return await DoneAsync(await ApplyAsync(shipment.ShipmentId, parcel, null, cancellationToken) ?? shipment, cancellationToken);
    }

    public async Task<ShipmentOutcome> CancelAsync(Guid shipmentId, string reason, CancellationToken cancellationToken)
    {
        var shipment = await GetAsync(shipmentId, cancellationToken);
        if (shipment is null)
        {
            return new ShipmentOutcome.NotFound();
        }
        if (shipment.Status == ShipmentState.Cancelled)
        {
            return await DoneAsync(shipment, cancellationToken);
        }
        if (!ShipmentRules.CanCancel(shipment.Status))
        {
            return new ShipmentOutcome.WrongState(shipment, "cancelled");
        }
        var why = reason.Length > 0 ? reason : "Cancelled before pickup";
        // Kept before the carrier is asked: its report of the cancel may arrive before its answer, and takes the shop's reason.
        await SetReasonAsync(shipmentId, why, cancellationToken);
        CarrierParcel record;
        try
        {
            var parcelId = shipment.CarrierRef ?? (await carrier.FindByIdempotencyKeyAsync(BookingKey(shipment), cancellationToken))?.Id;
            record = parcelId is null ? Unbooked() : await carrier.CancelAsync(parcelId, cancellationToken);
        }
        catch (PartnerUnavailableException unavailable)
        {
            logger.LogWarning("Cancelling shipment {ShipmentId} got no answer from the carrier: {Reason}", shipmentId, unavailable.Message);
            await SetReasonAsync(shipmentId, "", cancellationToken);
            return new ShipmentOutcome.Unknown("The carrier did not answer; the shipment is not cancelled yet. Call CancelShipment again.");
        }
        catch (PartnerRefusedException refused) when (refused.Code == "invalid_state")
        {
            // The carrier has the parcel already, and its report of the pickup has not arrived yet: take its record now.
            await SetReasonAsync(shipmentId, "", cancellationToken);
            var current = shipment;
            try
            {
                if (await carrier.FindByIdempotencyKeyAsync(BookingKey(shipment), cancellationToken) is { } picked)
                {
                    current = await ApplyAsync(shipmentId, picked, null, cancellationToken) ?? shipment;
                }
            }
            catch (PartnerUnavailableException unavailable)
            {
                logger.LogWarning("Reading shipment {ShipmentId} at the carrier failed: {Reason}", shipmentId, unavailable.Message);
            }
            return new ShipmentOutcome.WrongState(current, "cancelled");
        }
        catch (PartnerRefusedException refused)
        {
            await SetReasonAsync(shipmentId, "", cancellationToken);
            return new ShipmentOutcome.CarrierRefused(refused.Code, refused.Message);
        }
        var after = await ApplyAsync(shipmentId, record, null, cancellationToken, cancelReason: why);
        return after is null ? new ShipmentOutcome.NotFound()
            : after.Status == ShipmentState.Cancelled ? await DoneAsync(after, cancellationToken)
            : new ShipmentOutcome.WrongState(after, "cancelled");
    }

    public async Task<ShipmentOutcome> CreateReturnAsync(Guid shipmentId, string reason, CancellationToken cancellationToken)
    {
        var shipment = await GetAsync(shipmentId, cancellationToken);
        if (shipment is null)
        {
            return new ShipmentOutcome.NotFound();
        }
        if (shipment.ReturnStatus is not null)
        {
            return await DoneAsync(shipment, cancellationToken);
        }
        var now = clock.GetUtcNow();
        if (shipment.Status != ShipmentState.Delivered)
        {
            return new ShipmentOutcome.WrongState(shipment, "returned");
        }
        if (!ShipmentRules.CanReturn(shipment.Status, shipment.DeliveredAt, now, options.ReturnWindow))
        {
            return new ShipmentOutcome.ReturnWindowClosed(shipment, shipment.DeliveredAt!.Value + options.ReturnWindow);
        }
        CarrierParcel record;
        try
        {
            record = await carrier.CreateReturnAsync(shipment.CarrierRef!, reason, cancellationToken);
        }
        catch (PartnerUnavailableException unavailable)
        {
            logger.LogWarning("Return of shipment {ShipmentId} got no answer from the carrier: {Reason}", shipmentId, unavailable.Message);
            return new ShipmentOutcome.Unknown("The carrier did not answer; no return label yet. Call CreateReturn again.");
        }
        catch (PartnerRefusedException refused)
        {
            return new ShipmentOutcome.CarrierRefused(refused.Code, refused.Message);
        }
        return await DoneAsync(await ApplyAsync(shipmentId, record, null, cancellationToken, returnReason: reason) ?? shipment, cancellationToken);
    }

    public async Task<(StoredShipment Shipment, IReadOnlyList<TrackingEvent> Tracking)?> ReadAsync(Guid shipmentId, CancellationToken cancellationToken) =>
        await GetAsync(shipmentId, cancellationToken) is { } shipment ? (shipment, await TrackingAsync(shipmentId, cancellationToken)) : null;

    public async Task<List<(StoredShipment Shipment, IReadOnlyList<TrackingEvent> Tracking)>> ListAsync(string orderId, CancellationToken cancellationToken)
    {
        var shipments = new List<(StoredShipment, IReadOnlyList<TrackingEvent>)>();
        await using var command = dataSource.CreateCommand($"SELECT {StoredShipment.Columns} FROM shipments WHERE order_id = $1 ORDER BY created_at, shipment_id");
        command.Parameters.Add(new NpgsqlParameter { Value = orderId });
        var found = new List<StoredShipment>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                found.Add(StoredShipment.Read(reader));
            }
        }
        foreach (var shipment in found)
        {
            shipments.Add((shipment, await TrackingAsync(shipment.ShipmentId, cancellationToken)));
        }
        return shipments;
    }

    /// <summary>
    /// Brings the shipment to the carrier's record (an answer or a webhook) in one transaction with its tracking events
    /// and its domain events; with <paramref name="webhookEventId"/>, only the first delivery of that webhook counts.
    /// </summary>
    /// <returns>The shipment as it is now; null when it does not exist.</returns>
    public async Task<StoredShipment?> ApplyAsync(Guid shipmentId, CarrierParcel record, string? webhookEventId, CancellationToken cancellationToken,
        string? cancelReason = null, string? returnReason = null)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var now = QuoteRules.Microseconds(clock.GetUtcNow());
        if (webhookEventId is not null)
        {
            await using var delivery = new NpgsqlCommand(
                "INSERT INTO webhook_deliveries (event_id, event_type, received_at) VALUES ($1, 'carrier', $2) ON CONFLICT DO NOTHING", connection, transaction)
            {
                Parameters = { new() { Value = webhookEventId }, new() { Value = now } },
            };
            if (await delivery.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                await transaction.CommitAsync(cancellationToken);
                return await GetAsync(shipmentId, cancellationToken);
            }
        }
        StoredShipment? before;
        await using (var lockRow = new NpgsqlCommand($"SELECT {StoredShipment.Columns} FROM shipments WHERE shipment_id = $1 FOR UPDATE", connection, transaction)
        {
            Parameters = { new() { Value = shipmentId } },
        })
        await using (var reader = await lockRow.ExecuteReaderAsync(cancellationToken))
        {
            before = await reader.ReadAsync(cancellationToken) ? StoredShipment.Read(reader) : null;
        }
        if (before is null)
        {
            await transaction.CommitAsync(cancellationToken);
            return null;
        }

        var after = Changed(before, record, now, cancelReason, returnReason);
        await AppendTrackingAsync(connection, transaction, shipmentId, record, cancellationToken);
        if (after == before)
        {
            await transaction.CommitAsync(cancellationToken);
            return before;
        }
        await using (var update = new NpgsqlCommand("""
            UPDATE shipments SET status = $2, carrier_ref = $3, tracking_number = $4, label = $5, label_content_type = $6, reason = $7, updated_at = $8,
                delivered_at = $9, return_status = $10, return_tracking = $11, return_label = $12, return_reason = $13, return_created_at = $14, return_received_at = $15
            WHERE shipment_id = $1
            """, connection, transaction)
        {
            Parameters =
            {
                new() { Value = shipmentId }, new() { Value = after.Status }, Nullable(after.CarrierRef, NpgsqlDbType.Text), new() { Value = after.TrackingNumber },
                Nullable(after.Label, NpgsqlDbType.Bytea), new() { Value = after.LabelContentType }, new() { Value = after.Reason }, new() { Value = after.UpdatedAt },
                Nullable(after.DeliveredAt, NpgsqlDbType.TimestampTz), Nullable(after.ReturnStatus, NpgsqlDbType.Text), new() { Value = after.ReturnTracking },
                Nullable(after.ReturnLabel, NpgsqlDbType.Bytea), new() { Value = after.ReturnReason }, Nullable(after.ReturnCreatedAt, NpgsqlDbType.TimestampTz),
                Nullable(after.ReturnReceivedAt, NpgsqlDbType.TimestampTz),
            },
        })
        {
            await update.ExecuteNonQueryAsync(cancellationToken);
        }
        await ShippingEvents.AddAsync(connection, transaction, before, after,
            status => record.Events.LastOrDefault(e => e.Status == status)?.OccurredAt ?? now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Shipment {ShipmentId} of order {OrderId}: {Before} → {After}, return {ReturnBefore} → {ReturnAfter}",
            shipmentId, after.OrderId, before.Status, after.Status, before.ReturnStatus ?? "none", after.ReturnStatus ?? "none");
        return after;
    }

    /// <summary>The shipment with what the carrier's record adds, as far as the state machine allows; the same shipment when nothing changes.</summary>
    private static StoredShipment Changed(StoredShipment before, CarrierParcel record, DateTimeOffset now, string? cancelReason, string? returnReason)
    {
        var after = before;
        if (before.CarrierRef is null && record.Id.Length > 0)
        {
            after = after with { CarrierRef = record.Id, TrackingNumber = record.TrackingNumber, LabelContentType = record.LabelContentType };
        }
        // Webhooks carry no labels, and one may arrive before the answer that does.
        if (before.Label is null && record.Label is not null)
        {
            after = after with { Label = record.Label };
        }
        if (ShipmentRules.CanMove(before.Status, record.Status))
        {
            var latest = record.Events.LastOrDefault(e => e.Status == record.Status);
            after = after with
            {
                Status = record.Status,
                Reason = record.Status switch
                {
                    ShipmentState.Cancelled => cancelReason ?? (before.Reason.Length > 0 ? before.Reason : latest?.Description ?? "Cancelled by the carrier"),
                    ShipmentState.Exception or ShipmentState.ReturnedToSender => latest?.Description ?? "Reported by the carrier",
                    _ => before.Reason,
                },
                DeliveredAt = record.Status == ShipmentState.Delivered ? latest?.OccurredAt ?? now : before.DeliveredAt,
            };
        }
        if (record.Return is { } back && after.Status == ShipmentState.Delivered && ShipmentRules.CanMoveReturn(before.ReturnStatus, back.Status))
        {
            after = after with
            {
                ReturnStatus = back.Status,
                ReturnTracking = back.TrackingNumber,
                ReturnCreatedAt = before.ReturnCreatedAt ?? back.Created,
                ReturnReceivedAt = back.Status == ShipmentState.ReturnReceived
                    ? back.Events.LastOrDefault(e => e.Status == ShipmentState.ReturnReceived)?.OccurredAt ?? now
                    : null,
            };
        }
        if (record.Return is { } issued && after.ReturnStatus is not null)
        {
            after = after with
            {
                ReturnLabel = after.ReturnLabel ?? issued.Label,
                ReturnReason = after.ReturnReason.Length == 0 && returnReason is not null ? returnReason : after.ReturnReason,
            };
        }
        return after == before ? before : after with { UpdatedAt = now };
    }

    /// <summary>What a shipment the carrier never booked is cancelled with.</summary>
    private static CarrierParcel Unbooked() => new("", "", ShipmentState.Cancelled, "", null, "", [], null);

    private static string BookingKey(StoredShipment shipment) => $"shipment-{shipment.ShipmentId}";

    /// <summary>Asks the carrier to book; on no answer, looks its record up under the same key, and only without one asks again.</summary>
    private async Task<CarrierParcel?> BookAsync(StoredShipment shipment, CancellationToken cancellationToken)
    {
        var key = BookingKey(shipment);
        for (var attempt = 1; attempt <= CarrierAttempts; attempt++)
        {
            try
            {
                return await carrier.CreateAsync(key, shipment.ShipmentId.ToString(), QuoteRules.NameOf(shipment.Option), shipment.WeightGrams, shipment.Address,
                    cancellationToken);
            }
            catch (PartnerUnavailableException unavailable)
            {
                logger.LogWarning("Booking shipment {ShipmentId} got no answer (attempt {Attempt}): {Reason}; looking it up under its key",
                    shipment.ShipmentId, attempt, unavailable.Message);
            }
            try
            {
                if (await carrier.FindByIdempotencyKeyAsync(key, cancellationToken) is { } found)
                {
                    return found;
                }
            }
            catch (PartnerUnavailableException unavailable)
            {
                logger.LogWarning("Looking up shipment {ShipmentId} at the carrier failed: {Reason}", shipment.ShipmentId, unavailable.Message);
            }
        }
        return null;
    }

    private async Task<StoredShipment> InsertPendingAsync(string orderId, StoredQuote quote, CancellationToken cancellationToken)
    {
        var now = QuoteRules.Microseconds(clock.GetUtcNow());
        // A concurrent call for the same order waits here for the first one's insert, then finds its row.
        await using (var insert = dataSource.CreateCommand("""
            INSERT INTO shipments (shipment_id, order_id, user_id, quote_id, option, currency, price, address, skus, quantities, weight_grams, status, carrier,
                created_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'pending', $12, $13, $13)
            ON CONFLICT (order_id) DO NOTHING
            """))
        {
            insert.Parameters.AddRange(new NpgsqlParameter[]
            {
                new() { Value = Guid.CreateVersion7() }, new() { Value = orderId }, new() { Value = quote.UserId }, new() { Value = quote.QuoteId },
                new() { Value = QuoteRules.NameOf(quote.Option) }, new() { Value = quote.Currency }, new() { Value = quote.Price },
                new() { Value = Google.Protobuf.JsonFormatter.Default.Format(quote.Address), NpgsqlDbType = NpgsqlDbType.Jsonb },
                new() { Value = quote.Items.Select(item => item.Sku).ToArray() }, new() { Value = quote.Items.Select(item => item.Quantity).ToArray() },
                new() { Value = quote.WeightGrams }, new() { Value = carrier.Name }, new() { Value = now },
            });
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        return (await FindAsync("order_id = $1", orderId, cancellationToken))!;
    }

    /// <summary>The reason of a cancel being asked for; only a shipment that can still be cancelled takes it.</summary>
    private async Task SetReasonAsync(Guid shipmentId, string reason, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("UPDATE shipments SET reason = $2 WHERE shipment_id = $1 AND status IN ('pending', 'label_created')");
        command.Parameters.Add(new NpgsqlParameter { Value = shipmentId });
        command.Parameters.Add(new NpgsqlParameter { Value = reason });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task AppendTrackingAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid shipmentId, CarrierParcel record,
        CancellationToken cancellationToken)
    {
        var events = record.Events.Select(e => (Event: e, OfReturn: false)).Concat((record.Return?.Events ?? []).Select(e => (Event: e, OfReturn: true))).ToList();
        if (events.Count == 0)
        {
            return;
        }
        await using var insert = new NpgsqlCommand("""
            INSERT INTO tracking_events (carrier_event_id, shipment_id, of_return, status, occurred_at, location, description)
            SELECT * FROM unnest($1::text[], $2::uuid[], $3::boolean[], $4::text[], $5::timestamptz[], $6::text[], $7::text[])
            ON CONFLICT (carrier_event_id) DO NOTHING
            """, connection, transaction)
        {
            Parameters =
            {
                new() { Value = events.Select(e => e.Event.Id).ToArray() }, new() { Value = events.Select(_ => shipmentId).ToArray() },
                new() { Value = events.Select(e => e.OfReturn).ToArray() }, new() { Value = events.Select(e => e.Event.Status).ToArray() },
                new() { Value = events.Select(e => e.Event.OccurredAt).ToArray() }, new() { Value = events.Select(e => e.Event.Location).ToArray() },
                new() { Value = events.Select(e => e.Event.Description).ToArray() },
            },
        };
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<IReadOnlyList<TrackingEvent>> TrackingAsync(Guid shipmentId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT status, occurred_at, location, description FROM tracking_events WHERE shipment_id = $1 AND NOT of_return ORDER BY occurred_at, seq");
        command.Parameters.Add(new NpgsqlParameter { Value = shipmentId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var tracking = new List<TrackingEvent>();
        while (await reader.ReadAsync(cancellationToken))
        {
            tracking.Add(new TrackingEvent
            {
                Status = ShipmentRules.Status(reader.GetString(0)),
                OccurredAt = Timestamp.FromDateTimeOffset(reader.GetFieldValue<DateTimeOffset>(1)),
                Location = reader.GetString(2),
                Description = reader.GetString(3),
            });
        }
        return tracking;
    }

    private async Task<ShipmentOutcome> DoneAsync(StoredShipment shipment, CancellationToken cancellationToken) =>
        new ShipmentOutcome.Done(shipment, await TrackingAsync(shipment.ShipmentId, cancellationToken));

    public Task<StoredShipment?> GetAsync(Guid shipmentId, CancellationToken cancellationToken) => FindAsync("shipment_id = $1", shipmentId, cancellationToken);

    private async Task<StoredShipment?> FindAsync(string condition, object value, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {StoredShipment.Columns} FROM shipments WHERE {condition}");
        command.Parameters.Add(new NpgsqlParameter { Value = value });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? StoredShipment.Read(reader) : null;
    }

    private static NpgsqlParameter Nullable(object? value, NpgsqlDbType type) => new() { Value = value ?? DBNull.Value, NpgsqlDbType = type };
}
