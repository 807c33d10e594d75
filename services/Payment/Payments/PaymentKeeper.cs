using ECommerce.Payment.Provider;
using ECommerce.ServiceDefaults.Partners;
using Npgsql;

namespace ECommerce.Payment.Payments;

/// <summary>
/// Payments and their ledger. Every state change is one transaction that updates the payment, appends a
/// ledger row and records its events in the outbox; the provider is called between transactions, never
/// inside one, always with the caller's idempotency key.
/// </summary>
/// <remarks>
/// Never twice: an Authorize first records the payment as pending under its key (a second call with the key
/// finds it), then asks the provider under the same key. When the answer does not come (a timeout, a
/// dropped connection) the outcome is looked up at the provider under that key; only when the provider has
/// no record is the request sent again, which its idempotency makes harmless. The provider's record is the
/// truth the payment is brought to: a change is applied to the locked row only if the row does not show it
/// yet, so concurrent calls with one key announce it once.
/// </remarks>
internal sealed class PaymentKeeper(NpgsqlDataSource dataSource, IPaymentProvider provider, TimeProvider clock, ILogger<PaymentKeeper> logger)
{
    private const int ProviderAttempts = 3;

    public async Task<PaymentOutcome> AuthorizeAsync(AuthorizeCommand command, string actor, CancellationToken cancellationToken)
    {
        var payment = await FindOrCreateAsync(command, actor, cancellationToken);
        if (payment is null)
        {
            return new PaymentOutcome.KeyReused();
        }
        if (payment.Status != PaymentState.Pending)
        {
            return new PaymentOutcome.Done(payment);
        }

        ProviderAuthorization? record;
        try
        {
            record = await AuthorizeAtProviderAsync(command, payment.PaymentId, cancellationToken);
        }
        catch (PartnerRefusedException refused)
        {
            // The provider refused the request itself (an unknown token): nothing was authorized.
            record = new ProviderAuthorization("", PaymentState.Failed, payment.Amount, payment.Currency, 0, 0, refused.Code, payment.PaymentId.ToString(), "", "");
        }
        if (record is null)
        {
            return new PaymentOutcome.Unknown(payment, "The payment provider did not answer; the payment is pending. Retry with the same idempotency key.");
        }
        return new PaymentOutcome.Done(await ApplyAsync(payment.PaymentId, record, "authorize", actor, "", null, cancellationToken) ?? payment);
    }

    public Task<PaymentOutcome> CaptureAsync(Guid paymentId, long? amount, string idempotencyKey, string actor, CancellationToken cancellationToken) =>
        ChangeAsync(paymentId, "capture", amount, idempotencyKey, actor, "", cancellationToken, payment =>
        {
            if (!PaymentRules.CanCapture(payment.Status))
            {
                return (null, new PaymentOutcome.WrongState(payment, "captured"));
            }
            var capture = amount ?? payment.Amount;
            return capture > payment.Amount
                ? (null, new PaymentOutcome.TooMuch(payment, payment.Amount, "capture"))
                : (capture, null);
        }, (reference, capture, key) => provider.CaptureAsync(reference, capture, key, cancellationToken));

    public Task<PaymentOutcome> VoidAsync(Guid paymentId, string idempotencyKey, string actor, CancellationToken cancellationToken) =>
        ChangeAsync(paymentId, "void", null, idempotencyKey, actor, "", cancellationToken, payment =>
            PaymentRules.CanVoid(payment.Status) ? (payment.Amount, null) : (null, new PaymentOutcome.WrongState(payment, "voided")),
            (reference, _, key) => provider.VoidAsync(reference, key, cancellationToken));

    public Task<PaymentOutcome> RefundAsync(Guid paymentId, long? amount, string reason, string idempotencyKey, string actor, CancellationToken cancellationToken) =>
        ChangeAsync(paymentId, "refund", amount, idempotencyKey, actor, reason, cancellationToken, payment =>
        {
            if (!PaymentRules.CanRefund(payment.Status))
            {
                return (null, new PaymentOutcome.WrongState(payment, "refunded"));
            }
            var refundable = PaymentRules.Refundable(payment.Captured, payment.Refunded);
            var refund = amount ?? refundable;
            return refund > refundable ? (null, new PaymentOutcome.TooMuch(payment, refundable, "refund")) : (refund, null);
        }, (reference, refund, key) => provider.RefundAsync(reference, refund, key, cancellationToken));

    public async Task<StoredPayment?> GetAsync(Guid paymentId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {StoredPayment.Columns} FROM payments WHERE payment_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = paymentId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? StoredPayment.Read(reader) : null;
    }

    public async Task<IReadOnlyList<StoredPayment>> ListAsync(string? orderId, string? status, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT {StoredPayment.Columns} FROM payments WHERE ($1::text IS NULL OR order_id = $1) AND ($2::text IS NULL OR status = $2) ORDER BY created_at, payment_id");
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)orderId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)status ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var payments = new List<StoredPayment>();
        while (await reader.ReadAsync(cancellationToken))
        {
            payments.Add(StoredPayment.Read(reader));
        }
        return payments;
    }

    /// <summary>
    /// Brings the payment to the provider's record (a webhook, reconciliation, or an answer) in one transaction
    /// with its ledger row and events; with <paramref name="webhookEventId"/>, only the first delivery of that event counts.
    /// </summary>
    /// <param name="onlyIfPending">Changes nothing unless the payment is still pending (webhooks, reconciliation).</param>
    /// <returns>The payment as it is now; null when it does not exist.</returns>
    public async Task<StoredPayment?> ApplyAsync(Guid paymentId, ProviderAuthorization record, string entry, string actor, string reason,
        string? webhookEventId, CancellationToken cancellationToken, (string Key, string Operation, long Amount)? operation = null, bool onlyIfPending = false)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var now = clock.GetUtcNow();
        if (webhookEventId is not null)
        {
            await using var delivery = new NpgsqlCommand(
                "INSERT INTO webhook_deliveries (event_id, event_type, received_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", connection, transaction)
            {
                Parameters = { new() { Value = webhookEventId }, new() { Value = entry }, new() { Value = now } },
            };
            if (await delivery.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                await transaction.CommitAsync(cancellationToken);
                return await GetAsync(paymentId, cancellationToken);
            }
        }
        if (operation is { } op)
        {
            await using var claim = new NpgsqlCommand(
                "INSERT INTO payment_operations (idempotency_key, payment_id, operation, amount_minor, recorded_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                connection, transaction)
            {
                Parameters = { new() { Value = op.Key }, new() { Value = paymentId }, new() { Value = op.Operation }, new() { Value = op.Amount }, new() { Value = now } },
            };
            await claim.ExecuteNonQueryAsync(cancellationToken);
        }
        var before = await LockAsync(connection, transaction, paymentId, cancellationToken);
        // A late webhook or a reconciliation settles only what is still open: it may carry an older state than the row's.
        if (before is null || (onlyIfPending && before.Status != PaymentState.Pending))
        {
            await transaction.CommitAsync(cancellationToken);
            return before;
        }
        var after = before with
        {
            Status = record.Status,
            Captured = Math.Max(before.Captured, record.AmountCaptured),
            Refunded = Math.Max(before.Refunded, record.AmountRefunded),
            ProviderRef = record.Id.Length > 0 ? record.Id : before.ProviderRef,
            CardBrand = record.CardBrand.Length > 0 ? record.CardBrand : before.CardBrand,
            CardLast4 = record.CardLast4.Length > 0 ? record.CardLast4 : before.CardLast4,
            DeclineReason = record.DeclineCode ?? before.DeclineReason,
            UpdatedAt = now,
        };
        if (after with { UpdatedAt = before.UpdatedAt } == before)
        {
            await transaction.CommitAsync(cancellationToken);
            return before;
        }
        await using (var update = new NpgsqlCommand("""
            UPDATE payments SET status = $2, captured_minor = $3, refunded_minor = $4, provider_ref = $5, card_brand = $6, card_last4 = $7,
                decline_reason = $8, updated_at = $9
            WHERE payment_id = $1
            """, connection, transaction)
        {
            Parameters =
            {
                new() { Value = paymentId }, new() { Value = after.Status }, new() { Value = after.Captured }, new() { Value = after.Refunded },
                new() { Value = (object?)after.ProviderRef ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text },
                new() { Value = after.CardBrand }, new() { Value = after.CardLast4 }, new() { Value = after.DeclineReason }, new() { Value = now },
            },
        })
        {
            await update.ExecuteNonQueryAsync(cancellationToken);
        }
        var amount = entry switch
        {
            "capture" => after.Captured - before.Captured,
            "refund" => after.Refunded - before.Refunded,
            _ => after.Amount,
        };
        await AppendLedgerAsync(connection, transaction, paymentId, entry, amount, after.Status, actor, reason.Length > 0 ? reason : after.DeclineReason, now, cancellationToken);
        await PaymentEvents.AddAsync(connection, transaction, before, after, reason, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Payment {PaymentId} of order {OrderId}: {Before} → {After} ({Entry} by {Actor})",
            paymentId, after.OrderId, before.Status, after.Status, entry, actor);
        return after;
    }

    /// <returns>The payment; null when the key was used before with other parameters.</returns>
    private async Task<StoredPayment?> FindOrCreateAsync(AuthorizeCommand command, string actor, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var paymentId = Guid.CreateVersion7();
        // A concurrent call with the same key waits here for the first one's transaction, then finds its row.
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO payments (payment_id, idempotency_key, request_fingerprint, order_id, user_id, currency, amount_minor, status, created_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $8)
            ON CONFLICT (idempotency_key) DO NOTHING
            """, connection, transaction)
        {
            Parameters =
            {
                new() { Value = paymentId }, new() { Value = command.IdempotencyKey }, new() { Value = command.Fingerprint }, new() { Value = command.OrderId },
                new() { Value = command.UserId }, new() { Value = command.Currency }, new() { Value = command.Amount }, new() { Value = now },
            },
        })
        {
            if (await insert.ExecuteNonQueryAsync(cancellationToken) == 1)
            {
                await AppendLedgerAsync(connection, transaction, paymentId, "requested", command.Amount, PaymentState.Pending, actor, "", now, cancellationToken);
            }
        }
        StoredPayment payment;
        await using (var find = new NpgsqlCommand($"SELECT {StoredPayment.Columns} FROM payments WHERE idempotency_key = $1", connection, transaction)
        {
            Parameters = { new() { Value = command.IdempotencyKey } },
        })
        await using (var reader = await find.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            payment = StoredPayment.Read(reader);
        }
        await transaction.CommitAsync(cancellationToken);
        return payment.Fingerprint == command.Fingerprint ? payment : null;
    }

    /// <summary>Asks the provider; on no answer, looks up its record under the same key, and only without one asks again.</summary>
    private async Task<ProviderAuthorization?> AuthorizeAtProviderAsync(AuthorizeCommand command, Guid paymentId, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= ProviderAttempts; attempt++)
        {
            try
            {
                return await provider.AuthorizeAsync(command.IdempotencyKey, command.PaymentMethodToken, command.Amount, command.Currency, paymentId.ToString(), cancellationToken);
            }
            catch (PartnerUnavailableException unavailable)
            {
                logger.LogWarning("Authorization of payment {PaymentId} got no answer (attempt {Attempt}): {Reason}; looking it up under its key", paymentId, attempt, unavailable.Message);
            }
            try
            {
                if (await provider.FindByIdempotencyKeyAsync(command.IdempotencyKey, cancellationToken) is { } found)
                {
                    return found;
                }
            }
            catch (PartnerUnavailableException unavailable)
            {
                logger.LogWarning("Looking up payment {PaymentId} at the provider failed: {Reason}", paymentId, unavailable.Message);
            }
        }
        return null;
    }

    /// <param name="check">The amount the operation takes, or the outcome that refuses it.</param>
    private async Task<PaymentOutcome> ChangeAsync(Guid paymentId, string operation, long? requested, string idempotencyKey, string actor, string reason,
        CancellationToken cancellationToken, Func<StoredPayment, (long? Amount, PaymentOutcome? Refusal)> check,
        Func<string, long, string, Task<ProviderAuthorization>> callProvider)
    {
        var payment = await GetAsync(paymentId, cancellationToken);
        if (payment is null)
        {
            return new PaymentOutcome.NotFound();
        }
        if (await FindOperationAsync(idempotencyKey, cancellationToken) is { } earlier)
        {
            return earlier.PaymentId == paymentId && earlier.Operation == operation && (requested is null || requested == earlier.Amount)
                ? new PaymentOutcome.Done(payment)
                : new PaymentOutcome.KeyReused();
        }
        var (amount, refusal) = check(payment);
        if (refusal is not null)
        {
            return refusal;
        }
        for (var attempt = 1; attempt <= ProviderAttempts; attempt++)
        {
            try
            {
                // The provider replays an operation under a key it has seen without doing it again, so asking again is the lookup.
                var record = await callProvider(payment.ProviderRef!, amount!.Value, idempotencyKey);
                return new PaymentOutcome.Done(await ApplyAsync(paymentId, record, operation, actor, reason, null, cancellationToken, (idempotencyKey, operation, amount.Value)) ?? payment);
            }
            catch (PartnerUnavailableException unavailable)
            {
                logger.LogWarning("{Operation} of payment {PaymentId} got no answer (attempt {Attempt}): {Reason}", operation, paymentId, attempt, unavailable.Message);
            }
            catch (PartnerRefusedException refused) when (refused.Code is "invalid_state" or "amount_too_large")
            {
                // The provider knows better than our row (another change got there first): bring the row up to date, then refuse.
                if (payment.ProviderRef is not null && await provider.GetAsync(payment.ProviderRef, cancellationToken) is { } current)
                {
                    payment = await ApplyAsync(paymentId, current, "sync", actor, "", null, cancellationToken) ?? payment;
                }
                return refused.Code == "invalid_state"
                    ? new PaymentOutcome.WrongState(payment, operation)
                    : new PaymentOutcome.TooMuch(payment, PaymentRules.Refundable(payment.Captured, payment.Refunded), operation);
            }
        }
        return new PaymentOutcome.Unknown(payment, $"The payment provider did not answer the {operation}. Retry with the same idempotency key.");
    }

    private async Task<(Guid PaymentId, string Operation, long Amount)?> FindOperationAsync(string key, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT payment_id, operation, amount_minor FROM payment_operations WHERE idempotency_key = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = key });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetGuid(0), reader.GetString(1), reader.GetInt64(2)) : null;
    }

    private static async Task<StoredPayment?> LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid paymentId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT {StoredPayment.Columns} FROM payments WHERE payment_id = $1 FOR UPDATE", connection, transaction)
        {
            Parameters = { new() { Value = paymentId } },
        };
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? StoredPayment.Read(reader) : null;
    }

    private static async Task AppendLedgerAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid paymentId, string entry, long amount,
        string statusAfter, string actor, string detail, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            INSERT INTO payment_ledger (payment_id, entry, amount_minor, status_after, actor, detail, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
            """, connection, transaction)
        {
            Parameters =
            {
                new() { Value = paymentId }, new() { Value = entry }, new() { Value = amount }, new() { Value = statusAfter },
                new() { Value = actor }, new() { Value = detail }, new() { Value = now },
            },
        };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
