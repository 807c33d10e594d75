using System.Diagnostics;
using System.Net;
using ECommerce.Benchmarking;
using ECommerce.Contracts.Catalog.V1;
using ECommerce.Contracts.Common.V1;
using ECommerce.Contracts.Users.V1;
using ECommerce.Hosting.Benchmarks;
using ECommerce.Testing;
using Npgsql;

namespace ECommerce.Orders.Benchmarks;

internal sealed record CheckoutResult(
    string Mode, double CheckoutsPerSecond, double P50Ms, double P99Ms, double PlaceP50Ms, double PlaceP99Ms, int Checkouts, int NotPaid, int Errors,
    double PgbenchTps, IReadOnlyDictionary<string, double> TransactionsPerCheckout)
{
    public double TransactionsPerCheckoutTotal => TransactionsPerCheckout.Values.Sum();
}

/// <summary>The closed-loop checkout load of <see cref="CheckoutBenchmark.RunAsync"/>.</summary>
internal sealed record CheckoutLoad(int Concurrency, int WarmupSeconds, int Seconds, int PgbenchSeconds);

/// <param name="LosersCharged">Payments in Payment's database still holding or taking money for an order that failed.</param>
/// <param name="ChargedWithoutOrder">The provider's own records (the sandbox): authorizations on a card whose buyer has no
/// paid order, still held or captured and not refunded; the shop's database could be wrong in the same way as the order.</param>
/// <param name="RegistrationSeconds">Registering the buyers, before the sale (password hashing dominates).</param>
/// <param name="PaidMs">When each paid buyer had their answer, from the sale's start, sorted.</param>
/// <param name="Failed">Buyers whose order failed (at the reservation).</param>
/// <param name="SoldOut">Buyers told "out of stock" before an order was recorded.</param>
/// <param name="RefusedMs">When each refused buyer (failed order or out of stock) had their answer, from the sale's start, sorted.</param>
/// <param name="Errors">Requests that got no answer (a 5xx or a timeout), each sent again with the same key.</param>
/// <param name="ComeBack">Requests answered 429 (no turn at the checkout), each sent again with the same key after its Retry-After.</param>
/// <param name="SlowestRequestMs">The longest any one request waited for its answer.</param>
/// <param name="Paid">Answers that said paid; <paramref name="Failed"/> answers that said failed; <paramref name="Errors"/> no answer.</param>
/// <param name="SettledPaid">Orders paid once every checkout had finished, by Orders' database (an unanswered request's order included).</param>
internal sealed record FlashSaleResult(string Mode, int Buyers, long Units, int Paid, int Failed, int SoldOut, int Errors, double Seconds, long OnHand, long Reserved,
    long LosersCharged, int ChargedWithoutOrder, double RegistrationSeconds, double[] PaidMs, double[] RefusedMs, int SettledPaid, int SettledFailed, int ComeBack, double SlowestRequestMs);

/// <summary>One mode's run: the checkout load with the database's transactions counted, pgbench on the same server, and the flash sale.</summary>
internal static class CheckoutBenchmark
{
    /// <summary>A flash-sale buyer's outcome when Orders answered "out of stock" before recording anything.</summary>
    private const string SoldOut = "sold out";

    /// <summary>A status as the REST edge names it, of a paid order: a buyer answered after a 504 may find it shipped already.</summary>
    private static bool IsPaid(string status) => Database.PaidStatuses.Any(paid => status == $"ORDER_STATUS_{paid.ToUpperInvariant()}");

    /// <summary>Customers per load worker, taken in turn, so Cart has emptied one's cart (OrderConfirmed) before it buys again.</summary>
    private const int CustomersPerWorker = 3;

    public static async Task<Buyer[]> RegisterAsync(RunningShop shop, HttpClient provider, int count, int concurrency = 4)
    {
        // Password hashing (PBKDF2, 210,000 iterations) makes registration the slow part of the set-up: a few at a time.
        // Straight to Users over gRPC: through the edge, its sign-in rate limit (10 a minute per client) would pace it.
        var buyers = new Buyer[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, _) =>
        {
            var registered = await shop.Users.RegisterAsync(new RegisterRequest
            {
                Email = $"{Guid.NewGuid():N}@bench.example", Password = UsersForTests.Password, DisplayName = "Buyer",
            });
            buyers[i] = new Buyer(registered.Tokens.AccessToken, await shop.TokeniseAsync(provider));
        });
        return buyers;
    }

    /// <summary>A new product with one SKU at 12.75 EUR and <paramref name="stock"/> units; its SKU.</summary>
    public static async Task<string> NewSkuAsync(RunningShop shop, global::Grpc.Core.Metadata admin, long stock)
    {
        var category = (await shop.Catalog.CreateCategoryAsync(new CreateCategoryRequest
        {
            Category = new Category { Name = "Bench", Slug = $"bench-{Guid.NewGuid():N}" },
        }, admin)).Category;
        var product = (await shop.Catalog.CreateProductAsync(new CreateProductRequest
        {
            Product = new Product
            {
                Name = "Bench runner", Brand = "Stride", CategoryId = category.CategoryId,
                BasePrice = new Money { CurrencyCode = "EUR", Units = 12, Nanos = 750_000_000 },
                Variants = { new Variant { WeightGrams = 800 } },
            },
        }, admin)).Product;
        var sku = product.Variants[0].Sku;
        await shop.Inventory.AdjustStockAsync(new AdjustStockRequest { Sku = sku, Delta = stock, Reason = "bench stock" }, admin);
        return sku;
    }

    /// <summary>
    /// Closed loop through the REST edge: each worker checks out as its customers in turn — add one unit to the cart, get the
    /// shipping quote, place the order — and the three calls are one checkout's latency. Before a customer buys again the worker
    /// waits until Cart has emptied their cart (a GET, not timed, rarely more than one). Database transactions are counted
    /// from an idle window before to one after, less the idle rate (outbox relays, the resumer, health checks).
    /// </summary>
    public static async Task<CheckoutResult> RunAsync(RunningShop shop, global::Grpc.Core.Metadata admin, HttpClient provider, CheckoutLoad options, Action<string> log)
    {
        var sku = await NewSkuAsync(shop, admin, 1_000_000);
        log($"{shop.Mode}: registering {options.Concurrency * CustomersPerWorker} customers");
        var buyers = await RegisterAsync(shop, provider, options.Concurrency * CustomersPerWorker);
        // A generous timeout: on a shared 2-core machine a checkout can take tens of seconds, and that is a figure, not a crash.
        using var clients = new EdgeClients(shop.Gateway, TimeSpan.FromMinutes(2));

        log($"{shop.Mode}: idle {Database.StatisticsSettle.TotalSeconds:0} s twice, to count the transactions made with no load");
        await Task.Delay(Database.StatisticsSettle);
        var idleFrom = await Database.CommitsAsync(shop);
        var idleClock = Stopwatch.StartNew();
        await Task.Delay(Database.StatisticsSettle);
        var loadFrom = await Database.CommitsAsync(shop);
        var idleSeconds = idleClock.Elapsed.TotalSeconds;
        var idle = Database.Minus(loadFrom, idleFrom);

        var windowClock = Stopwatch.StartNew();
        log($"{shop.Mode}: {options.WarmupSeconds} s warm-up, then {options.Seconds} s of checkouts by {options.Concurrency} concurrent customers");
        var warmup = await LoadAsync(shop, clients, buyers, sku, options.Concurrency, TimeSpan.FromSeconds(options.WarmupSeconds));
        var measured = await LoadAsync(shop, clients, buyers, sku, options.Concurrency, TimeSpan.FromSeconds(options.Seconds));
        await Task.Delay(Database.StatisticsSettle);
        var loadTo = await Database.CommitsAsync(shop);
        var windowSeconds = windowClock.Elapsed.TotalSeconds;
        var checkouts = warmup.Checkouts + measured.Checkouts;
        var perCheckout = Database.Minus(loadTo, loadFrom).ToDictionary(
            entry => entry.Key, entry => Math.Max(0, entry.Value - idle[entry.Key] / idleSeconds * windowSeconds) / checkouts);

        log($"{shop.Mode}: pgbench, {options.Concurrency} clients, {options.PgbenchSeconds} s");
        var tps = await Database.PgbenchTpsAsync(shop, options.Concurrency, options.PgbenchSeconds);
        return new CheckoutResult(shop.Mode, measured.PerSecond, measured.P50Ms, measured.P99Ms, measured.PlaceP50Ms, measured.PlaceP99Ms,
            measured.Checkouts, warmup.NotPaid + measured.NotPaid, warmup.Errors + measured.Errors, tps, perCheckout);
    }

    private sealed record Load(double PerSecond, double P50Ms, double P99Ms, double PlaceP50Ms, double PlaceP99Ms, int Checkouts, int NotPaid, int Errors);

    private static async Task<Load> LoadAsync(RunningShop shop, EdgeClients clients, Buyer[] buyers, string sku, int concurrency, TimeSpan duration)
    {
        var checkouts = new List<double>[concurrency];
        var placements = new List<double>[concurrency];
        var (notPaid, errors) = (0, 0);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async worker =>
        {
            var (mine, placed) = (checkouts[worker] = [], placements[worker] = []);
            // A customer whose checkout went wrong may keep a line in the cart for good: the worker goes on without them.
            var customers = buyers.Skip(worker * CustomersPerWorker).Take(CustomersPerWorker).ToList();
            for (var n = 0; clock.Elapsed < duration && customers.Count > 0; n++)
            {
                var buyer = customers[n % customers.Count];
                var waited = Stopwatch.StartNew();
                var empty = false;
                while (!(empty = await Storefront.CartIsEmptyAsync(clients.For(worker), buyer)) && waited.Elapsed < TimeSpan.FromSeconds(30))
                {
                    await Task.Delay(20);
                }
                if (!empty)
                {
                    customers.Remove(buyer);
                    continue;
                }
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await Storefront.AddToCartAsync(clients.For(worker), buyer, sku);
                    var quote = await Storefront.QuoteAsync(clients.For(worker), buyer, sku);
                    var placing = Stopwatch.GetTimestamp();
                    var (_, status) = await Storefront.PlaceOrderAsync(clients.For(worker), buyer, quote);
                    placed.Add(Stopwatch.GetElapsedTime(placing).TotalMilliseconds);
                    mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    if (status != "ORDER_STATUS_FULFILLING")
                    {
                        Interlocked.Increment(ref notPaid);
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    // Counted and reported: an error answer or a timeout is a finding of the run, not the end of it.
                    Interlocked.Increment(ref errors);
                    customers.Remove(buyer);
                }
            }
        }));
        var all = checkouts.SelectMany(list => list).Order().ToArray();
        var place = placements.SelectMany(list => list).Order().ToArray();
        return new Load(all.Length / clock.Elapsed.TotalSeconds, Measurements.Percentile(all, 0.50), Measurements.Percentile(all, 0.99),
            Measurements.Percentile(place, 0.50), Measurements.Percentile(place, 0.99), all.Length, notPaid, errors);
    }

    /// <summary>
    /// <paramref name="buyersCount"/> customers, each with one unit of the same SKU in the cart and a quote, place their orders at
    /// once through the REST edge; the SKU has <paramref name="units"/> units. Counts paid and failed orders and how long each
    /// took, the stock left, and money the losers were left charged, by Payment's database and by the provider's own records.
    /// </summary>
    public static async Task<FlashSaleResult> FlashSaleAsync(RunningShop shop, global::Grpc.Core.Metadata admin, HttpClient provider, int buyersCount, long units,
        Action<string> log, int registrationConcurrency = 4)
    {
        var sku = await NewSkuAsync(shop, admin, units);
        log($"{shop.Mode}: flash sale: registering {buyersCount} buyers, {registrationConcurrency} at a time (password hashing: the slow part)");
        var registering = Stopwatch.StartNew();
        var buyers = await RegisterAsync(shop, provider, buyersCount, registrationConcurrency);
        var registrationSeconds = registering.Elapsed.TotalSeconds;
        log($"{shop.Mode}: flash sale: {buyersCount} buyers registered in {registrationSeconds:N0} s");
        // Each buyer its own client address: 500 requests at once from one address would meet the edge's per-client limit.
        using var clients = new EdgeClients(shop.Gateway, TimeSpan.FromMinutes(5));
        var quotes = new string[buyersCount];
        await Parallel.ForEachAsync(Enumerable.Range(0, buyersCount), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
        {
            await Storefront.AddToCartAsync(clients.For(i), buyers[i], sku);
            quotes[i] = await Storefront.QuoteAsync(clients.For(i), buyers[i], sku);
        });

        log($"{shop.Mode}: flash sale: {buyersCount} buyers place their orders at once for {units} units");
        var clock = Stopwatch.StartNew();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var comeBack = 0;
        var errors = 0;
        var slowest = 0.0;
        var slowestLock = new Lock();
        void Slowest(double sentMs)
        {
            var waited = clock.Elapsed.TotalMilliseconds - sentMs;
            lock (slowestLock)
            {
                slowest = Math.Max(slowest, waited);
            }
        }
        var orders = Enumerable.Range(0, buyersCount).Select(async i =>
        {
            await gate.Task;
            // As a shop's app does: one key per buyer's click, sent again on 429 after its Retry-After, and on no answer.
            var key = Guid.NewGuid().ToString();
            while (true)
            {
                var sent = clock.Elapsed.TotalMilliseconds;
                try
                {
                    var (orderId, status) = await Storefront.PlaceOrderAsync(clients.For(i), buyers[i], quotes[i], key);
                    Slowest(sent);
                    return (OrderId: orderId, Status: status, Ms: clock.Elapsed.TotalMilliseconds);
                }
                catch (HttpRequestException e) when (e.StatusCode == HttpStatusCode.BadRequest && e.Message.Contains("Out of stock", StringComparison.Ordinal))
                {
                    // Told at once, before anything was recorded: the catalog has none left.
                    Slowest(sent);
                    return (OrderId: "", Status: SoldOut, Ms: clock.Elapsed.TotalMilliseconds);
                }
                catch (HttpRequestException e) when (e.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    Slowest(sent);
                    Interlocked.Increment(ref comeBack);
                    await Task.Delay(e.Data[Storefront.RetryAfterKey] as TimeSpan? ?? TimeSpan.FromSeconds(1));
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    Slowest(sent);
                    Interlocked.Increment(ref errors);
                    log($"{shop.Mode}: flash sale: {e.Message}");
                    if (clock.Elapsed > TimeSpan.FromMinutes(5))
                    {
                        return (OrderId: "", Status: "error", Ms: clock.Elapsed.TotalMilliseconds);
                    }
                    await Task.Delay(TimeSpan.FromSeconds(1));
                }
            }
        }).ToArray();
        gate.SetResult();
        var placed = await Task.WhenAll(orders);
        var seconds = clock.Elapsed.TotalSeconds;
        // A buyer who got no answer (a 504 at the edge) ended a request, not the order behind it: the checks wait until every
        // order's checkout has finished, or they would count a payment or a reservation still on its way as left behind.
        await OrdersSettledAsync(shop, TimeSpan.FromMinutes(5), log);

        var stock = (await shop.Inventory.GetStockAsync(new GetStockRequest { Sku = sku })).Stock;
        // The sale's outcome from Orders' database, not from the answers: a buyer whose request timed out at the edge still
        // has an order, paid or failed. Each buyer has a card of their own, so the card names the buyer's order.
        var settled = new List<(string OrderId, string Card, bool Paid)>();
        await using (var ordersDb = shop.Database("orders"))
        {
            await ordersDb.OpenAsync();
            await using var outcome = new NpgsqlCommand("SELECT id::text, payment_method_token, status = ANY($2) FROM orders WHERE payment_method_token = ANY($1)", ordersDb)
            {
                Parameters = { new() { Value = buyers.Select(buyer => buyer.PaymentMethodToken).ToArray() }, new() { Value = Database.PaidStatuses } },
            };
            await using var reader = await outcome.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                settled.Add((reader.GetString(0), reader.GetString(1), reader.GetBoolean(2)));
            }
        }
        var losers = settled.Where(order => !order.Paid).Select(order => order.OrderId).ToArray();
        await using var payments = shop.Database("payment");
        await payments.OpenAsync();
        await using var charged = new NpgsqlCommand("SELECT count(*) FROM payments WHERE order_id = ANY($1) AND status IN ('pending', 'authorized', 'captured')", payments)
        {
            Parameters = { new() { Value = losers } },
        };
        var losersCharged = (long)(await charged.ExecuteScalarAsync())!;
        var paidCards = settled.Where(order => order.Paid).Select(order => order.Card).ToHashSet();
        var chargedWithoutOrder = await ProviderRecords.ChargedCardsAsync(provider, buyers.Select(buyer => buyer.PaymentMethodToken).ToHashSet(), paidCards);
        return new FlashSaleResult(shop.Mode, buyersCount, units, placed.Count(order => IsPaid(order.Status)),
            placed.Count(order => order.Status == "ORDER_STATUS_FAILED"), placed.Count(order => order.Status == SoldOut),
            errors, seconds, stock.OnHand, stock.Reserved, losersCharged, chargedWithoutOrder, registrationSeconds,
            [.. placed.Where(order => IsPaid(order.Status)).Select(order => order.Ms).Order()],
            [.. placed.Where(order => order.Status is "ORDER_STATUS_FAILED" or SoldOut).Select(order => order.Ms).Order()], paidCards.Count, losers.Length,
            comeBack, slowest);
    }

    /// <summary>Waits until no order is still in its checkout (saga not done), or <paramref name="patience"/> runs out.</summary>
    private static async Task OrdersSettledAsync(RunningShop shop, TimeSpan patience, Action<string> log)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < patience)
        {
            await using var orders = shop.Database("orders");
            await orders.OpenAsync();
            var (_, count) = await Database.CheckoutsAsync(orders);
            if (count == 0)
            {
                return;
            }
            log($"{shop.Mode}: flash sale: waiting for {count} orders to finish their checkout");
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
    }
}
