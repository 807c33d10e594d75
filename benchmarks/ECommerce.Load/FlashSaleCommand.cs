using System.CommandLine;
using ECommerce.Benchmarking;
using ECommerce.Orders.Benchmarks;
using ECommerce.Testing;

namespace ECommerce.Load;

/// <summary>`flash-sale`: many signed-in buyers at once for the few units of one SKU, and the invariants checked after.</summary>
internal static class FlashSaleCommand
{
    public static Command Create()
    {
        var mode = CommandOptions.Mode(allowBoth: false);
        var buyers = CommandOptions.Positive("--buyers", 2000, "Signed-in buyers, each placing an order for one unit at the same moment");
        var units = CommandOptions.Positive("--units", 100, "Units of the SKU on sale");
        var registrationConcurrency = CommandOptions.Positive("--registration-concurrency", 8,
            "Buyers registered at once before the sale (password hashing makes it CPU-bound: more than a few per core gains nothing)");
        var command = new Command("flash-sale", "--buyers buyers place their orders at once for --units units of one SKU") { mode, buyers, units, registrationConcurrency };
        command.SetAction(async (parsed, _) => await RunAsync(parsed.GetValue(mode)!, parsed.GetValue(buyers), parsed.GetValue(units), parsed.GetValue(registrationConcurrency)));
        return command;
    }

    private static async Task<int> RunAsync(string mode, int buyers, int units, int registrationConcurrency)
    {
        var report = Report.Start($"{mode}: flash sale, {buyers} buyers of {units} units");
        Report.Log($"{mode}: starting the AppHost");
        FlashSaleResult sale;
        await using (var shop = await RunningShop.StartAsync(mode, CancellationToken.None))
        {
            var admin = UsersForTests.Bearer((await UsersForTests.SignInAdminAsync(shop.Users)).Tokens.AccessToken);
            using var provider = await shop.PaymentProviderAsync();
            sale = await CheckoutBenchmark.FlashSaleAsync(shop, admin, provider, buyers, units, Report.Log, registrationConcurrency);
            Report.Log($"{mode}: {sale.Paid} paid, {sale.Failed} failed, {sale.SoldOut} out of stock, {sale.ComeBack} come-backs, {sale.Errors} errors in {sale.Seconds:N1} s; stopping");
        }

        var checks = new (string What, bool Holds, string Found)[]
        {
            ($"paid orders = {units} units, by Orders' database once every checkout finished", sale.SettledPaid == units, $"{sale.SettledPaid}"),
            ("every other buyer was refused: their order failed (Orders' database) or they were told out of stock with nothing recorded",
                sale.SettledFailed + sale.SoldOut == buyers - units, $"{sale.SettledFailed} orders failed, {sale.SoldOut} told out of stock"),
            ("every buyer got their outcome (paid or refused)", sale.Paid + sale.Failed + sale.SoldOut == buyers,
                $"{sale.Paid} paid, {sale.Failed} failed, {sale.SoldOut} out of stock"),
            ("every request was answered within the edge's 30 s (an outcome, or 429: come back), none without an answer",
                sale.Errors == 0 && sale.SlowestRequestMs < 30_000, $"slowest answer {Report.Ms(sale.SlowestRequestMs)} ms, {sale.Errors} without an answer"),
            ("no charge without a paid order, by the provider's records (held or captured, not refunded)", sale.ChargedWithoutOrder == 0, $"{sale.ChargedWithoutOrder} cards"),
            ("no payment of a refused order holding money, by Payment's database", sale.LosersCharged == 0, $"{sale.LosersCharged} payments"),
            ("no reservation left behind (Catalog: reserved = 0)", sale.Reserved == 0, $"reserved {sale.Reserved}"),
            ("sold out (Catalog: on hand = 0)", sale.OnHand == 0, $"on hand {sale.OnHand}"),
        };

        report.Heading($"Flash sale ({mode})");
        report.Line($"{buyers} signed-in buyers, each with one unit in the cart and a shipping quote, place their orders at the same moment through the REST edge " +
            $"for one SKU with {units} units (PlaceOrder: reserve, authorize, ship, capture, commit, confirm). Each buyer has a card of their own at the payment sandbox, " +
            "so the provider's records tell whose card holds money. As a shop's app does, a buyer answered 429 (Orders' admission control: no turn at the checkout) " +
            "sends the same request, same idempotency key, again after its Retry-After.");
        report.Line();
        report.Line($"Before the sale: {buyers} buyers registered in **{sale.RegistrationSeconds:N0} s** ({buyers / sale.RegistrationSeconds:N1}/s, " +
            $"{registrationConcurrency} at a time, straight to Users over gRPC; PBKDF2 password hashing is the cost).");
        report.Line();
        report.Line($"Requests answered 429 (come back) along the way: {sale.ComeBack}; the slowest answer to any one request: {Report.Ms(sale.SlowestRequestMs)} ms.");
        report.Line();
        report.Line("| buyer's outcome | buyers | p50 ms | p99 ms | last ms |");
        report.Line("|---|---:|---:|---:|---:|");
        report.Line($"| paid | {sale.Paid} | {Report.Ms(Measurements.Percentile(sale.PaidMs, 0.50))} | {Report.Ms(Measurements.Percentile(sale.PaidMs, 0.99))} | {Report.Ms(sale.PaidMs.LastOrDefault(double.NaN))} |");
        report.Line($"| refused (order failed, or out of stock) | {sale.Failed + sale.SoldOut} | {Report.Ms(Measurements.Percentile(sale.RefusedMs, 0.50))} | {Report.Ms(Measurements.Percentile(sale.RefusedMs, 0.99))} | {Report.Ms(sale.RefusedMs.LastOrDefault(double.NaN))} |");
        report.Line($"| requests without an answer (sent again) | {sale.Errors} | | | |");
        report.Line();
        report.Line($"The sale took {sale.Seconds:N1} s from the first order sent to the last outcome; times from that moment, to the answer that gave the buyer their outcome.");
        report.Line();
        report.Line("| invariant | holds | found |");
        report.Line("|---|---|---|");
        foreach (var (what, holds, found) in checks)
        {
            report.Line($"| {what} | {(holds ? "yes" : "**NO**")} | {found} |");
        }
        return checks.All(check => check.Holds) ? 0 : 1;
    }
}
