using ECommerce.Payment.Payments;
using ECommerce.Payment.Provider;
using ECommerce.ServiceDefaults.Partners;
using Npgsql;

namespace ECommerce.Payment.Reconciliation;

internal sealed record Finding(Guid? PaymentId, string? ProviderRef, string Kind, bool Repaired, string Detail);

/// <summary>
/// Compares the shop's payments with the provider's records every <c>Payment:ReconciliationInterval</c> and
/// mends what is safe to mend without a person:
/// <list type="bullet">
/// <item>an authorization the shop does not know (its request was never recorded, or recorded elsewhere) is voided, so no card stays held;</item>
/// <item>a payment still pending is settled from the provider's record under its key.</item>
/// </list>
/// Everything else (amounts or states that differ, a capture the shop does not know, a record missing at the
/// provider) is reported: logged as a warning and kept in reconciliation_findings for a person to decide.
/// </summary>
internal sealed class Reconciler(NpgsqlDataSource dataSource, IPaymentProvider provider, PaymentKeeper payments, PaymentOptions options,
    TimeProvider clock, ILogger<Reconciler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.ReconciliationInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception error) when (error is PartnerUnavailableException or NpgsqlException)
            {
                logger.LogWarning("Reconciliation skipped this round: {Reason}", error.Message);
            }
        }
    }

    public async Task<IReadOnlyList<Finding>> RunOnceAsync(CancellationToken cancellationToken)
    {
        var findings = new List<Finding>();
        var records = await provider.ListAsync(cancellationToken);
        var shop = (await payments.ListAsync(null, null, cancellationToken)).ToDictionary(payment => payment.PaymentId);
        var seen = new HashSet<Guid>();
        foreach (var record in records)
        {
            var payment = Guid.TryParse(record.Reference, out var paymentId) ? shop.GetValueOrDefault(paymentId) : null;
            if (payment is null)
            {
                findings.Add(await UnknownToShopAsync(record, cancellationToken));
                continue;
            }
            seen.Add(payment.PaymentId);
            if (payment.Status == PaymentState.Pending)
            {
                await payments.ApplyAsync(payment.PaymentId, record, "reconciled", "reconciliation", "", null, cancellationToken, onlyIfPending: true);
                findings.Add(new Finding(payment.PaymentId, record.Id, "pending_settled", true, $"settled as {record.Status} from the provider's record"));
            }
            else if (payment.Status != record.Status || payment.Captured != record.AmountCaptured || payment.Refunded != record.AmountRefunded
                     || payment.Amount != record.Amount || payment.ProviderRef != record.Id)
            {
                findings.Add(new Finding(payment.PaymentId, record.Id, "mismatch", false,
                    $"shop: {payment.Status}, captured {payment.Captured}, refunded {payment.Refunded}; provider: {record.Status}, captured {record.AmountCaptured}, refunded {record.AmountRefunded}"));
            }
        }
        foreach (var payment in shop.Values.Where(payment => payment.ProviderRef is not null && !seen.Contains(payment.PaymentId)))
        {
            findings.Add(new Finding(payment.PaymentId, payment.ProviderRef, "missing_at_provider", false, $"the shop has it as {payment.Status}"));
        }
        await RecordAsync(findings, cancellationToken);
        return findings;
    }

    private async Task<Finding> UnknownToShopAsync(ProviderAuthorization record, CancellationToken cancellationToken)
    {
        if (record.Status != PaymentState.Authorized)
        {
            return new Finding(null, record.Id, "unknown_to_shop", false, $"{record.Status} at the provider, amount {record.Amount} {record.Currency}, reference '{record.Reference}'");
        }
        try
        {
            // The key names the record, so a second round (or a crash in between) voids it once.
            await provider.VoidAsync(record.Id, $"reconciliation-void-{record.Id}", cancellationToken);
            return new Finding(null, record.Id, "unknown_authorization_voided", true, $"amount {record.Amount} {record.Currency}, reference '{record.Reference}'");
        }
        catch (PartnerRefusedException refused)
        {
            return new Finding(null, record.Id, "unknown_authorization", false, $"void refused: {refused.Code}");
        }
    }

    private async Task RecordAsync(List<Finding> findings, CancellationToken cancellationToken)
    {
        if (findings.Count == 0)
        {
            return;
        }
        await using var batch = dataSource.CreateBatch();
        foreach (var finding in findings)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(
                "INSERT INTO reconciliation_findings (payment_id, provider_ref, finding, repaired, detail, found_at) VALUES ($1, $2, $3, $4, $5, $6)")
            {
                Parameters =
                {
                    new() { Value = (object?)finding.PaymentId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid },
                    new() { Value = (object?)finding.ProviderRef ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text },
                    new() { Value = finding.Kind }, new() { Value = finding.Repaired }, new() { Value = finding.Detail }, new() { Value = clock.GetUtcNow() },
                },
            });
            if (finding.Repaired)
            {
                logger.LogInformation("Reconciliation mended {Finding} (payment {PaymentId}, provider {ProviderRef}): {Detail}", finding.Kind, finding.PaymentId, finding.ProviderRef, finding.Detail);
            }
            else
            {
                logger.LogWarning("Reconciliation found {Finding} (payment {PaymentId}, provider {ProviderRef}): {Detail}", finding.Kind, finding.PaymentId, finding.ProviderRef, finding.Detail);
            }
        }
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }
}
