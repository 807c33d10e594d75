using System.Diagnostics.Metrics;
using ECommerce.Benchmarking;
using ECommerce.Cart;
using ECommerce.Catalog.Tests;
using ECommerce.Contracts.Cart.V1;
using ECommerce.Contracts.Catalog.V1;
using ECommerce.Contracts.Common.V1;
using ECommerce.LocalInfrastructure.Redis;
using ECommerce.Testing;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

// dotnet run -c Release --project benchmarks/ECommerce.Cart.Benchmarks [-- seconds]
// Everything on this machine: PostgreSQL, a Redis of its own (append-only file on, as the AppHost runs it), the Kafka dev
// cluster, the Users service (admin token), the real Catalog and Cart on Kestrel (h2c, 127.0.0.1), and the load: 16 calls in
// flight over one HTTP/2 connection. Guest carts throughout (no token to validate; a user's cart adds one ES256 check,
// ~0.1 ms). The per-line limit is raised so one hot line can take every AddItem of a phase.
Directory.SetCurrentDirectory(AppContext.BaseDirectory);
var seconds = args.Length > 0 && int.TryParse(args[0], out var parsed) ? parsed : 10;
var duration = TimeSpan.FromSeconds(seconds);
const int Concurrency = 16;
const int SpreadCarts = 10_000;

await using var infrastructure = new TestInfrastructure();
await using var redisServer = await RedisServer.StartAsync(new RedisServerOptions { AppendOnly = true });
await using var users = await UsersForTests.StartAsync(infrastructure);
// The AppHost creates the orders topic; the development cluster does not create a topic a consumer subscribes to.
infrastructure.Kafka.CreateTopic("orders", 4);
var admin = UsersForTests.Bearer(await users.AdminTokenAsync());
await using var catalogService = await CatalogServiceHost.StartAsync(infrastructure, users, new Dictionary<string, string>
{
    ["ConnectionStrings:redis"] = redisServer.ConnectionString,
    ["Logging:LogLevel:Default"] = "Warning",
});
await using var cartService = ServiceOnKestrel<CartOptions>.Start(
[
    new("ConnectionStrings:cart", await infrastructure.CreateDatabaseAsync("cart_bench")),
    new("ConnectionStrings:redis", redisServer.ConnectionString),
    .. infrastructure.KafkaSettings(),
    users.DiscoverySetting,
    new("services:catalog:grpc:0", catalogService.Address.ToString()),
    new("Cart:MaxQuantityPerLine", int.MaxValue.ToString()),
]);
var catalog = catalogService.Catalog;
var inventory = catalogService.Inventory;
var carts = new CartService.CartServiceClient(cartService.Channel);

// One product with 100 SKUs (10 sizes × 10 colours), each with plenty of stock.
var category = (await catalog.CreateCategoryAsync(new CreateCategoryRequest { Category = new Category { Name = "Bench", Slug = "bench" } }, admin)).Category;
var product = (await catalog.CreateProductAsync(new CreateProductRequest
{
    Product = new Product
    {
        Name = "Bench sock", Brand = "Bench", Description = "Counts.", CategoryId = category.CategoryId,
        BasePrice = new Money { CurrencyCode = "EUR", Units = 4, Nanos = 990_000_000 },
        Options =
        {
            new ProductOption { Name = "size", Values = { Enumerable.Range(36, 10).Select(size => size.ToString()) } },
            new ProductOption { Name = "colour", Values = { Enumerable.Range(1, 10).Select(colour => $"colour-{colour}") } },
        },
    },
}, admin)).Product;
var skus = product.Variants.Select(variant => variant.Sku).ToArray();
await Task.WhenAll(skus.Select(sku => inventory.AdjustStockAsync(new AdjustStockRequest { Sku = sku, Delta = 1_000_000_000, Reason = "bench" }, admin).ResponseAsync));

async Task<Metadata> NewGuestAsync() => new() { { "x-cart-token", (await carts.CreateGuestCartAsync(new CreateGuestCartRequest())).GuestToken } };

var hot = await NewGuestAsync();
var spread = new Metadata[SpreadCarts];
for (var i = 0; i < SpreadCarts; i += 100)
{
    var batch = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => NewGuestAsync()));
    batch.CopyTo(spread, i);
}

// What one operation costs outside the cart: Redis commands sent by the cart's client, and catalog calls (the cart's meter).
var multiplexer = cartService.Services.GetRequiredService<IConnectionMultiplexer>();
var meters = cartService.Services.GetRequiredService<IMeterFactory>();
long catalogCalls = 0;
using var listener = new MeterListener
{
    InstrumentPublished = (instrument, meterListener) =>
    {
        if (instrument.Meter.Scope == meters && instrument.Name == "ecommerce.cart.catalog.calls")
        {
            meterListener.EnableMeasurementEvents(instrument);
        }
    },
};
listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref catalogCalls, value));
listener.Start();

async Task<string> PhaseAsync(string name, Func<int, long, Task> operation)
{
    await Measurements.RunAsync(Concurrency, TimeSpan.FromSeconds(Math.Max(1, seconds / 5.0)), operation);
    var redisBefore = multiplexer.GetCounters().Interactive.OperationCount;
    var catalogBefore = Interlocked.Read(ref catalogCalls);
    var result = await Measurements.RunAsync(Concurrency, duration, operation);
    var redisPerOp = (double)(multiplexer.GetCounters().Interactive.OperationCount - redisBefore) / result.Count;
    var catalogPerOp = (double)(Interlocked.Read(ref catalogCalls) - catalogBefore) / result.Count;
    return $"| {name} | {result.PerSecond:N0} | {result.P50Ms:0.00} | {result.P99Ms:0.00} | {redisPerOp:0.00} | {catalogPerOp:0.00} |";
}

// AddItem cycles through 10 SKUs, so each cart holds up to 10 lines and every answer is the priced cart.
var rows = new List<string>
{
    await PhaseAsync("AddItem, one hot cart", (worker, n) => carts.AddItemAsync(new AddItemRequest { CartId = "guest", Sku = skus[(worker + n) % 10], Quantity = 1 }, hot).ResponseAsync),
    await PhaseAsync($"AddItem, {SpreadCarts:N0} carts", (worker, n) => carts.AddItemAsync(new AddItemRequest
    {
        CartId = "guest", Sku = skus[(worker + n) % 10], Quantity = 1,
    }, spread[(int)((worker * 7919 + n * Concurrency) % SpreadCarts)]).ResponseAsync),
    await PhaseAsync("GetCart, one hot cart (10 lines)", (_, _) => carts.GetCartAsync(new GetCartRequest { CartId = "guest" }, hot).ResponseAsync),
    await PhaseAsync($"GetCart, {SpreadCarts:N0} carts (≤10 lines)", (worker, n) => carts.GetCartAsync(new GetCartRequest { CartId = "guest" },
        spread[(int)((worker * 7919 + n * Concurrency) % SpreadCarts)]).ResponseAsync),
};

foreach (var lines in new[] { 1, 10, 100 })
{
    var cart = await NewGuestAsync();
    foreach (var sku in skus.Take(lines))
    {
        await carts.AddItemAsync(new AddItemRequest { CartId = "guest", Sku = sku, Quantity = 1 }, cart);
    }
    rows.Add(await PhaseAsync($"GetCart, {lines} line{(lines == 1 ? "" : "s")}", (_, _) => carts.GetCartAsync(new GetCartRequest { CartId = "guest" }, cart).ResponseAsync));
}

Console.WriteLine($"# Cart benchmarks — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}, {seconds} s per phase, {Concurrency} calls in flight");
Console.WriteLine();
Console.WriteLine("| Operation | ops/s | p50 ms | p99 ms | Redis round trips / op | catalog calls / op |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|");
rows.ForEach(Console.WriteLine);
