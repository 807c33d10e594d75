using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using ECommerce.Contracts.Catalog.V1;
using ECommerce.Contracts.Common.V1;
using ECommerce.Contracts.Users.V1;
using ECommerce.Hosting.Benchmarks;
using ECommerce.Orders.Benchmarks;
using ECommerce.Testing;

namespace ECommerce.Load;

internal sealed record SeededProduct(string ProductId, string Sku, string CategoryId);

/// <summary>
/// What the traffic needs in a fresh shop: a small catalog (categories of products, one SKU each, stock far beyond what a
/// run sells) that Search has indexed, and signed-in shoppers with a card tokenised at the payment sandbox.
/// </summary>
internal sealed class SeededShop
{
    /// <summary>Product names are "&lt;adjective&gt; &lt;noun&gt;"; searches ask for the nouns, so every query has hits.</summary>
    public static readonly string[] SearchWords = ["runner", "trainer", "boot", "sandal", "racket", "jersey", "glove", "helmet"];

    private static readonly string[] Adjectives = ["Trail", "Road", "Light", "Classic"];
    private static readonly string[] Brands = ["Stride", "Summit", "Volley", "Cadence"];
    private static readonly string[] Categories = ["Running", "Hiking", "Tennis", "Cycling"];

    private readonly ConcurrentQueue<Buyer> _idleShoppers;

    private SeededShop(IReadOnlyList<string> categoryIds, IReadOnlyList<SeededProduct> products, IEnumerable<Buyer> shoppers)
    {
        CategoryIds = categoryIds;
        Products = products;
        _idleShoppers = new ConcurrentQueue<Buyer>(shoppers);
        ShopperCount = _idleShoppers.Count;
    }

    public IReadOnlyList<string> CategoryIds { get; }
    public IReadOnlyList<SeededProduct> Products { get; }
    public int ShopperCount { get; }

    /// <summary>Shoppers retired after a cart or checkout went wrong (their cart may hold a line for good).</summary>
    public int RetiredShoppers => _retired;

    private int _retired;

    /// <summary>A signed-in shopper nobody else is using, or null when all are busy (cart and checkout share a shopper's cart).</summary>
    public Buyer? TakeShopper() => _idleShoppers.TryDequeue(out var shopper) ? shopper : null;

    public void ReturnShopper(Buyer shopper) => _idleShoppers.Enqueue(shopper);

    public void RetireShopper() => Interlocked.Increment(ref _retired);

    public static async Task<SeededShop> CreateAsync(RunningShop shop, global::Grpc.Core.Metadata admin, HttpClient provider, int shoppers, Action<string> log)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var categoryIds = new List<string>();
        var products = new List<SeededProduct>();
        foreach (var (category, c) in Categories.Select((name, c) => (name, c)))
        {
            var categoryId = (await shop.Catalog.CreateCategoryAsync(new CreateCategoryRequest
            {
                Category = new Category { Name = category, Slug = $"{category.ToLowerInvariant()}-{run}" },
            }, admin)).Category.CategoryId;
            categoryIds.Add(categoryId);
            foreach (var (noun, n) in SearchWords.Select((noun, n) => (noun, n)))
            {
                var product = (await shop.Catalog.CreateProductAsync(new CreateProductRequest
                {
                    Product = new Product
                    {
                        Name = $"{Adjectives[(n + c) % Adjectives.Length]} {noun}", Description = $"A {noun} for {category.ToLowerInvariant()}, load run {run}.",
                        Brand = Brands[c], CategoryId = categoryId,
                        BasePrice = new Money { CurrencyCode = "EUR", Units = 12 + n, Nanos = 750_000_000 },
                        Variants = { new Variant { WeightGrams = 800 } },
                    },
                }, admin)).Product;
                var sku = product.Variants[0].Sku;
                // Far more than any run sells: the load measures the shop, not running out of stock.
                await shop.Inventory.AdjustStockAsync(new AdjustStockRequest { Sku = sku, Delta = 10_000_000, Reason = "load stock" }, admin);
                products.Add(new SeededProduct(product.ProductId, sku, categoryId));
            }
        }
        log($"{shop.Mode}: seeded {categoryIds.Count} categories, {products.Count} products");
        await WaitUntilSearchableAsync(shop, categoryIds[^1], log);

        log($"{shop.Mode}: registering and signing in {shoppers} shoppers");
        var clock = Stopwatch.StartNew();
        var buyers = await SignUpAsync(shop, provider, shoppers);
        log($"{shop.Mode}: {shoppers} shoppers signed in in {clock.Elapsed.TotalSeconds:N0} s");
        return new SeededShop(categoryIds, products, buyers);
    }

    /// <summary>
    /// Each shopper registers, then signs in as a returning customer would (two password hashes), and tokenises a card at the
    /// provider. Straight to Users over gRPC: through the edge, its sign-in limit (10 a minute per client) would pace this.
    /// </summary>
    private static async Task<Buyer[]> SignUpAsync(RunningShop shop, HttpClient provider, int count)
    {
        var buyers = new Buyer[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
        {
            var email = $"{Guid.NewGuid():N}@load.example";
            await shop.Users.RegisterAsync(new RegisterRequest { Email = email, Password = UsersForTests.Password, DisplayName = "Shopper" });
            var signedIn = await shop.Users.LoginAsync(new LoginRequest { Email = email, Password = UsersForTests.Password });
            buyers[i] = new Buyer(signedIn.Tokens.AccessToken, await shop.TokeniseAsync(provider));
        });
        return buyers;
    }

    /// <summary>
    /// Search learns of products from Catalog's events: the traffic starts once every search word finds its product in the
    /// category seeded last (within it, so that products the shop already had cannot answer for the new ones).
    /// </summary>
    private static async Task WaitUntilSearchableAsync(RunningShop shop, string lastCategoryId, Action<string> log)
    {
        using var clients = new EdgeClients(shop.Gateway);
        var clock = Stopwatch.StartNew();
        foreach (var word in SearchWords)
        {
            while (true)
            {
                using var document = JsonDocument.Parse(await clients.For(0).GetStringAsync($"/v1/search?query={word}&categoryId={lastCategoryId}&page.pageSize=10"));
                var hits = document.RootElement.TryGetProperty("hits", out var found) ? found.GetArrayLength() : 0;
                if (hits >= 1)
                {
                    break;
                }
                if (clock.Elapsed > TimeSpan.FromMinutes(2))
                {
                    throw new InvalidOperationException($"Search does not find the product named '{word}' after 2 minutes.");
                }
                await Task.Delay(500);
            }
        }
        log($"{shop.Mode}: Search has indexed the products after {clock.Elapsed.TotalSeconds:N1} s");
    }
}
