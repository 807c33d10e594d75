using ECommerce.Contracts.Payment.V1;
using Npgsql;
using static ECommerce.Payment.Tests.PaymentShop;

namespace ECommerce.Payment.Tests;

/// <summary>
/// Reconciliation, on a shop of its own (its own provider too, whose every record it judges), running every second:
/// it mends what is safe and reports the rest.
/// </summary>
public sealed class ReconciliationTests(PaymentTestEnvironment environment) : IAsyncLifetime
{
    private PaymentShop _shop = null!;

    public async ValueTask InitializeAsync() => _shop = await PaymentShop.StartAsync(environment.Infrastructure, environment.Users,
        new Dictionary<string, string> { ["Payment__ReconciliationInterval"] = "00:00:01" });

    public ValueTask DisposeAsync() => _shop.DisposeAsync();

    [Fact]
    public async Task It_voids_an_authorization_the_shop_does_not_know_settles_a_pending_payment_and_reports_a_mismatch()
    {
        // 1. The provider holds an authorization the shop never recorded.
        var token = await _shop.Sandbox.TokeniseAsync(ApprovedCard);
        using var stray = await _shop.Sandbox.PostAsync("/v1/authorizations", new { payment_method = token, amount = 999, currency = "eur", reference = "lost-somewhere" }, NewKey());
        var strayId = System.Text.Json.JsonDocument.Parse(await stray.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
        // 2. A payment the shop still has as pending, authorized at the provider.
        var pending = (await _shop.Client.AuthorizeAsync(await _shop.AuthorizationRequestAsync(environment.CustomerId), environment.Orders)).Payment;
        await ExecuteAsync("UPDATE payments SET status = 'pending' WHERE payment_id = $1", Guid.Parse(pending.PaymentId));
        // 3. A payment the shop has as captured, which the provider only authorized.
        var mismatched = (await _shop.Client.AuthorizeAsync(await _shop.AuthorizationRequestAsync(environment.CustomerId), environment.Orders)).Payment;
        await ExecuteAsync("UPDATE payments SET status = 'captured', captured_minor = amount_minor WHERE payment_id = $1", Guid.Parse(mismatched.PaymentId));

        await UntilAsync(async () => await _shop.QueryAsync<long>("SELECT count(*) FROM reconciliation_findings WHERE finding = 'mismatch' AND payment_id = $1",
            Guid.Parse(mismatched.PaymentId)) > 0 && (await _shop.Sandbox.AuthorizationAsync(strayId)).GetProperty("status").GetString() == "voided");

        Assert.Equal("voided", (await _shop.Sandbox.AuthorizationAsync(strayId)).GetProperty("status").GetString());
        Assert.True(await _shop.QueryAsync<bool>("SELECT bool_or(repaired) FROM reconciliation_findings WHERE provider_ref = $1 AND finding = 'unknown_authorization_voided'", strayId));
        var settled = (await _shop.Client.GetPaymentAsync(new GetPaymentRequest { PaymentId = pending.PaymentId }, environment.Orders)).Payment;
        Assert.Equal(PaymentStatus.Authorized, settled.Status);
        Assert.Equal("captured", await _shop.QueryAsync<string>("SELECT status FROM payments WHERE payment_id = $1", Guid.Parse(mismatched.PaymentId)));
        Assert.Single(await _shop.Sandbox.AuthorizationsAsync(mismatched.PaymentId));
    }

    private async Task ExecuteAsync(string sql, Guid paymentId)
    {
        await using var connection = new NpgsqlConnection(_shop.DatabaseConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { Parameters = { new() { Value = paymentId } } };
        await command.ExecuteNonQueryAsync();
    }

    private static async Task UntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Reconciliation did not get there within 60 s.");
            await Task.Delay(250);
        }
    }
}
