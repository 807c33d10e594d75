using ECommerce.Benchmarking;
using ECommerce.Contracts.Catalog.V1;
using ECommerce.Contracts.Common.V1;
using ECommerce.Contracts.Shipping.V1;
using ECommerce.Contracts.Users.V1;
using ECommerce.Shipping.Tests;
using ECommerce.Testing;

// dotnet run -c Release --project benchmarks/ECommerce.Shipping.Benchmarks [-- seconds]
// GetQuotes for a 10-line cart (10 SKUs of different weights) to a German address, through the Shipping service (a real
// process, its own PostgreSQL database) with the real Catalog (a process) for the weights. Each quote is one catalog
// call (BatchGetVariants of the 10 SKUs), the rate table, and one insert of three quotes. The baseline, measured in the
// same run at the same concurrency, is that catalog call alone: the ratio says what the quote adds to the lookup it needs.
var seconds = args.Length > 0 && int.TryParse(args[0], out var parsed) ? parsed : 10;
var duration = TimeSpan.FromSeconds(seconds);
const int Callers = 16;

await using var infrastructure = new TestInfrastructure();
infrastructure.Kafka.CreateTopic(ECommerce.Contracts.Events.EventTopics.Shipments, 4);
await using var users = await UsersForTests.StartAsync(infrastructure);
await using var catalogProcess = await ServiceProcess.StartAsync("Catalog", new Dictionary<string, string>
{
    ["ConnectionStrings__catalog"] = await infrastructure.CreateDatabaseAsync("catalog"),
    ["ConnectionStrings__redis"] = await infrastructure.RedisConnectionStringAsync(),
    ["ConnectionStrings__kafka"] = infrastructure.Kafka.BootstrapServers,
    [users.DiscoveryVariable.Key] = users.DiscoveryVariable.Value,
    ["Catalog__SeedDemoData"] = "false",
});
await using var shop = await ShippingShop.StartAsync(infrastructure, users, catalogProcess.Address, new Dictionary<string, string>
{
    ["Logging__LogLevel__ECommerce"] = "Warning",
    ["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning",
});
var catalog = new CatalogService.CatalogServiceClient(catalogProcess.Channel);
var admin = UsersForTests.Bearer(await users.AdminTokenAsync());
var customer = UsersForTests.Bearer((await users.Client.RegisterAsync(new RegisterRequest
{
    Email = $"{Guid.NewGuid():N}@shop.example", Password = UsersForTests.Password, DisplayName = "Bench",
})).Tokens.AccessToken);

// One product with 10 SKUs from 150 g to 1,500 g: the cart holds one of each, 8.25 kg in all (the ≤ 10 kg bracket).
var category = (await catalog.CreateCategoryAsync(new CreateCategoryRequest { Category = new Category { Name = "Bench", Slug = $"bench-{Guid.NewGuid():N}" } }, admin)).Category;
var sizes = Enumerable.Range(1, 10).Select(i => $"size-{i}").ToArray();
var product = (await catalog.CreateProductAsync(new CreateProductRequest
{
    Product = new Product
    {
        Name = "Bench item", CategoryId = category.CategoryId, BasePrice = new Money { CurrencyCode = "EUR", Units = 10 },
        Options = { new ProductOption { Name = "size", Values = { sizes } } },
        Variants = { sizes.Select((size, i) => new Variant { Options = { ["size"] = size }, WeightGrams = 150L * (i + 1) }) },
    },
}, admin)).Product;
var skus = product.Variants.Select(variant => variant.Sku).ToArray();
var request = new GetQuotesRequest
{
    Address = new Address { RecipientName = "Bench", Line1 = "Unter den Linden 1", City = "Berlin", PostalCode = "10117", CountryCode = "DE" },
    Items = { skus.Select(sku => new ShippingItem { Sku = sku, Quantity = 1 }) },
};
var lookup = new BatchGetVariantsRequest { Skus = { skus } };
var check = await shop.Client.GetQuotesAsync(request, customer);
if (check.Quotes.Count != 3 || check.Quotes[0].WeightGrams != 8250)
{
    throw new InvalidOperationException($"Unexpected quotes: {check}");
}

async Task<Measurements.Result> PhaseAsync(Func<Task> operation)
{
    await Measurements.RunAsync(Callers, duration / 4, (_, _) => operation());
    return await Measurements.RunAsync(Callers, duration, (_, _) => operation());
}

var baseline = await PhaseAsync(() => catalog.BatchGetVariantsAsync(lookup).ResponseAsync);
var quotes = await PhaseAsync(() => shop.Client.GetQuotesAsync(request, customer).ResponseAsync);
var stored = await shop.QueryAsync<long>("SELECT count(*) FROM quotes");

Console.WriteLine($"# Shipping benchmark — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
Console.WriteLine();
Console.WriteLine($"| 10-line cart, {Callers} concurrent callers, {seconds} s | calls/s | p50 ms | p99 ms |");
Console.WriteLine("|---|---:|---:|---:|");
Console.WriteLine($"| baseline: Catalog BatchGetVariants of the 10 SKUs | {baseline.PerSecond:N0} | {baseline.P50Ms:N1} | {baseline.P99Ms:N1} |");
Console.WriteLine($"| GetQuotes (3 options stored per call) | {quotes.PerSecond:N0} | {quotes.P50Ms:N1} | {quotes.P99Ms:N1} |");
Console.WriteLine();
Console.WriteLine($"GetQuotes / baseline: {quotes.PerSecond / baseline.PerSecond:P0} of the catalog lookup's throughput; {stored:N0} quotes stored.");
