using System.Diagnostics;
using System.Text.Json;

namespace ECommerce.Orders.Benchmarks;

/// <summary>What the payment provider (the sandbox) itself has on record: the side a customer's bank statement would show.</summary>
internal static class ProviderRecords
{
    /// <summary>Compensations (voids) may still be on their way when the losers have their answers: how long to let them land.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How many of <paramref name="cards"/> not in <paramref name="paidCards"/> hold money at the provider: an authorization still
    /// held, or a capture not refunded in full. Asked again for up to <see cref="Settle"/> while any does, since a void may lag.
    /// </summary>
    public static async Task<int> ChargedCardsAsync(HttpClient provider, IReadOnlySet<string> cards, IReadOnlySet<string> paidCards)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var charged = await ChargedCardsOnceAsync(provider, cards, paidCards);
            if (charged == 0 || clock.Elapsed > Settle)
            {
                return charged;
            }
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }

    private static async Task<int> ChargedCardsOnceAsync(HttpClient provider, IReadOnlySet<string> cards, IReadOnlySet<string> paidCards)
    {
        // Unfiltered, the sandbox lists every authorization it has (it forgets at restart, and each run has its own).
        using var document = JsonDocument.Parse(await provider.GetStringAsync("/v1/authorizations"));
        return document.RootElement.GetProperty("data").EnumerateArray()
            .Where(authorization => authorization.GetProperty("status").GetString() switch
            {
                "authorized" => true,
                "captured" or "partially_refunded" => authorization.GetProperty("amount_captured").GetInt64() > authorization.GetProperty("amount_refunded").GetInt64(),
                _ => false,
            })
            .Select(authorization => authorization.GetProperty("payment_method").GetProperty("id").GetString()!)
            .Where(card => cards.Contains(card) && !paidCards.Contains(card))
            .Distinct()
            .Count();
    }
}
