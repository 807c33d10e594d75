using System.Globalization;
using ECommerce.Orders.Benchmarks;
using ECommerce.Testing;

// dotnet run -c Release --project benchmarks/ECommerce.Orders.Benchmarks [-- options]
// Checkouts per second end to end through the REST edge (add to cart, quote, PlaceOrder: the whole saga of reserve,
// authorize, ship, capture, commit, confirm behind it), in mesh and monolith mode, each beside PostgreSQL's own write
// ceiling measured with pgbench on the same server in the same run; the database transactions one checkout costs; and a
// flash sale (500 buyers of 50 units at once). See docs/orders.md#benchmark.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

var options = Options.Parse(args);
if (options is null)
{
    Console.Error.WriteLine(Options.Usage);
    return 2;
}

var loadBefore = LoadAverage();
var started = DateTime.UtcNow;
Log($"{Environment.ProcessorCount} cores, load average {loadBefore}; modes {string.Join(", ", options.Modes)}; {options.Concurrency} concurrent customers, " +
    $"{options.WarmupSeconds} s warm-up + {options.Seconds} s; pgbench {options.PgbenchSeconds} s; flash sale {options.Buyers} buyers of {options.Units} units in {options.FlashSaleMode}");

// The AppHost runs in this process and prints its readiness lines to the console: to stderr with the progress, so that
// stdout holds the report alone.
var report = Console.Out;
Console.SetOut(Console.Error);
var checkouts = new List<CheckoutResult>();
var sales = new List<FlashSaleResult>();
foreach (var mode in options.Modes)
{
    Log($"{mode}: starting the AppHost");
    await using var shop = await RunningShop.StartAsync(mode, CancellationToken.None);
    var admin = UsersForTests.Bearer((await UsersForTests.SignInAdminAsync(shop.Users)).Tokens.AccessToken);
    using var provider = await shop.PaymentProviderAsync();
    checkouts.Add(await CheckoutBenchmark.RunAsync(shop, admin, provider, new CheckoutLoad(options.Concurrency, options.WarmupSeconds, options.Seconds, options.PgbenchSeconds), Log));
    if (options.FlashSaleMode is "all" || options.FlashSaleMode == mode)
    {
        sales.Add(await CheckoutBenchmark.FlashSaleAsync(shop, admin, provider, options.Buyers, options.Units, Log));
    }
    Log($"{mode}: stopping");
}

Console.SetOut(report);
Console.WriteLine($"# Checkout benchmark — {started:yyyy-MM-dd HH:mm} UTC, .NET {Environment.Version}, {Environment.ProcessorCount} cores, " +
    $"load average {loadBefore} before, {LoadAverage()} after");
Console.WriteLine();
Console.WriteLine($"Closed loop through the REST edge, {options.Concurrency} concurrent customers, {options.WarmupSeconds} s warm-up + {options.Seconds} s measured. " +
    "A checkout: add 1 unit to the cart, get the shipping quote, PlaceOrder (reserve, authorize, ship, capture, commit, confirm). " +
    $"Baseline: pgbench TPC-B-like, {options.Concurrency} clients, {options.PgbenchSeconds} s, on the same PostgreSQL (fsync on) in the same run.");
Console.WriteLine();
Console.WriteLine("| mode | checkouts/s | p50 ms | p99 ms | PlaceOrder p50 / p99 ms | not paid | errors | pgbench tps | checkouts / pgbench tps | DB transactions per checkout | DB transactions/s at that rate / pgbench tps |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
foreach (var r in checkouts)
{
    Console.WriteLine($"| {r.Mode} | {r.CheckoutsPerSecond:N1} | {r.P50Ms:N0} | {r.P99Ms:N0} | {r.PlaceP50Ms:N0} / {r.PlaceP99Ms:N0} | {r.NotPaid} | {r.Errors} | {r.PgbenchTps:N0} | " +
        $"{r.CheckoutsPerSecond / r.PgbenchTps:P2} | {r.TransactionsPerCheckoutTotal:N1} | {r.CheckoutsPerSecond * r.TransactionsPerCheckoutTotal / r.PgbenchTps:P1} |");
}
Console.WriteLine();
Console.WriteLine("Committed transactions per checkout by database (pg_stat_database.xact_commit over the load, less the idle rate; every " +
    "statement outside an explicit transaction counts, reads too, and so do the relays and consumers of the checkout's events):");
Console.WriteLine();
Console.WriteLine($"| mode | {string.Join(" | ", RunningShop.Databases)} |");
Console.WriteLine($"|---|{string.Concat(RunningShop.Databases.Select(_ => "---:|"))}");
foreach (var r in checkouts)
{
    Console.WriteLine($"| {r.Mode} | {string.Join(" | ", RunningShop.Databases.Select(name => r.TransactionsPerCheckout[name].ToString("N1", CultureInfo.InvariantCulture)))} |");
}
if (checkouts.Count == 2)
{
    Console.WriteLine();
    Console.WriteLine($"{checkouts[1].Mode} / {checkouts[0].Mode}: {checkouts[1].CheckoutsPerSecond / checkouts[0].CheckoutsPerSecond:N2}× the checkouts/s, " +
        $"{(checkouts[1].CheckoutsPerSecond / checkouts[1].PgbenchTps) / (checkouts[0].CheckoutsPerSecond / checkouts[0].PgbenchTps):N2}× against each run's own pgbench.");
}
foreach (var sale in sales)
{
    Console.WriteLine();
    Console.WriteLine($"Flash sale ({sale.Mode}): {sale.Buyers} buyers of {sale.Units} units at once through the REST edge → {sale.Paid} paid, {sale.Failed} failed, {sale.SoldOut} told out of stock, " +
        $"{sale.Errors} errors, in {sale.Seconds:N1} s; stock left on hand {sale.OnHand}, reserved {sale.Reserved}; losers with a payment held: {sale.LosersCharged}, cards charged at the provider without a paid order: {sale.ChargedWithoutOrder}. " +
        (sale.Paid == sale.Units && sale.Failed + sale.SoldOut == sale.Buyers - sale.Units && sale.SettledPaid == sale.Units && sale.Reserved == 0 && sale.OnHand == 0 && sale.LosersCharged == 0 && sale.ChargedWithoutOrder == 0 ? "As it must be." : "NOT AS IT MUST BE."));
}
return checkouts.All(r => r.NotPaid == 0 && r.Errors == 0) && sales.All(s => s.Paid == s.Units && s.LosersCharged == 0 && s.ChargedWithoutOrder == 0 && s.Reserved == 0) ? 0 : 1;

void Log(string message) => Console.Error.WriteLine($"bench-orders: {message}");

static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

internal sealed record Options(IReadOnlyList<string> Modes, int Seconds, int WarmupSeconds, int Concurrency, int PgbenchSeconds, int Buyers, int Units, string FlashSaleMode)
{
    public const string Usage =
        "usage: ECommerce.Orders.Benchmarks [--modes mesh,monolith] [--seconds 15] [--warmup 3] [--concurrency 16] [--pgbench-seconds 10]\n" +
        "                                   [--buyers 500] [--units 50] [--flash-sale mesh|monolith|all|none]\n" +
        "  --modes            the AppHost runs, in order\n" +
        "  --seconds          measured seconds of checkouts per mode; --warmup: unmeasured seconds before\n" +
        "  --concurrency      concurrent customers (closed loop), and pgbench's clients\n" +
        "  --flash-sale       the mode(s) whose run ends with the flash sale of --units units to --buyers buyers";

    public static Options? Parse(string[] args)
    {
        var options = new Options(["mesh", "monolith"], 15, 3, 16, 10, 500, 50, "mesh");
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            int? number = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
            switch (args[i])
            {
                case "--modes" when value?.Split(',') is { Length: > 0 } modes && modes.All(mode => mode is "mesh" or "monolith"):
                    options = options with { Modes = modes };
                    break;
                case "--seconds" when number > 0:
                    options = options with { Seconds = number.Value };
                    break;
                case "--warmup" when number >= 0:
                    options = options with { WarmupSeconds = number.Value };
                    break;
                case "--concurrency" when number > 0:
                    options = options with { Concurrency = number.Value };
                    break;
                case "--pgbench-seconds" when number > 0:
                    options = options with { PgbenchSeconds = number.Value };
                    break;
                case "--buyers" when number > 0:
                    options = options with { Buyers = number.Value };
                    break;
                case "--units" when number > 0:
                    options = options with { Units = number.Value };
                    break;
                case "--flash-sale" when value is "mesh" or "monolith" or "all" or "none":
                    options = options with { FlashSaleMode = value };
                    break;
                default:
                    Console.Error.WriteLine($"bench-orders: '{string.Join(' ', args.Skip(i).Take(2))}' is not understood.");
                    return null;
            }
            i++;
        }
        return options;
    }
}
