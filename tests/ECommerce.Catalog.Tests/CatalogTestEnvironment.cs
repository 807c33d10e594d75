using Confluent.Kafka;
using ECommerce.Contracts.Catalog.V1;
using ECommerce.Contracts.Common.V1;
using ECommerce.EventBus;
using ECommerce.LocalInfrastructure.Kafka;
using ECommerce.Testing;
using Metadata = Grpc.Core.Metadata;

namespace ECommerce.Catalog.Tests;

/// <summary>
/// What every test of the assembly shares: the infrastructure, a real Users service, one Catalog
/// service without demo data, and an admin's, a customer's and the Orders service's tokens. Tests keep apart by creating
/// their own categories, products and SKUs.
/// </summary>
public sealed class CatalogTestEnvironment : IAsyncLifetime
{
    private static int _slugCounter;

    public TestInfrastructure Infrastructure { get; } = new();
    public UsersForTests Users { get; private set; } = null!;
    public CatalogServiceHost Catalog { get; private set; } = null!;
    public Metadata Admin { get; private set; } = null!;
    public Metadata Customer { get; private set; } = null!;

    /// <summary>The Orders service's token: the inventory scope that reserving, releasing and committing stock need.</summary>
    public Metadata Orders { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Users = await UsersForTests.StartAsync(Infrastructure);
        Catalog = await CatalogServiceHost.StartAsync(Infrastructure, Users);
        Admin = UsersForTests.Bearer(await Users.AdminTokenAsync());
        Customer = UsersForTests.Bearer(await Users.CustomerTokenAsync());
        Orders = UsersForTests.Bearer(await Users.ServiceTokenAsync("orders"));
    }

    public Task<CatalogServiceHost> StartCatalogAsync(IDictionary<string, string> settings) => CatalogServiceHost.StartAsync(Infrastructure, Users, settings);

    public static Money Euros(long units, int nanos = 0) => new() { CurrencyCode = "EUR", Units = units, Nanos = nanos };

    public static string UniqueSlug(string name) => $"{name}-{Interlocked.Increment(ref _slugCounter)}-{Guid.NewGuid():N}"[..Math.Min(100, name.Length + 30)];

    public async Task<Category> NewCategoryAsync(string name = "Shoes", string parentId = "", CatalogServiceHost? catalog = null) =>
        (await (catalog ?? Catalog).Catalog.CreateCategoryAsync(new CreateCategoryRequest
        {
            Category = new Category { Name = name, Slug = UniqueSlug(name.ToLowerInvariant()), ParentId = parentId },
        }, Admin)).Category;

    /// <summary>A product with sizes S and M (two SKUs at 12.75 EUR) in a new category, each SKU stocked with <paramref name="stock"/> units.</summary>
    public async Task<Product> NewProductAsync(long stock = 0, string? categoryId = null, CatalogServiceHost? catalog = null, params string[] sizes)
    {
        var host = catalog ?? Catalog;
        categoryId ??= (await NewCategoryAsync(catalog: host)).CategoryId;
        var product = (await host.Catalog.CreateProductAsync(new CreateProductRequest
        {
            Product = new Product
            {
                Name = "Trail runner",
                Brand = "Stride",
                Description = "Grippy.",
                CategoryId = categoryId,
                BasePrice = Euros(12, 750_000_000),
                Options = { new ProductOption { Name = "size", Values = { sizes.Length > 0 ? sizes : ["S", "M"] } } },
                ImageUrls = { "https://images.shop.example/trail-runner.jpg" },
            },
        }, Admin)).Product;
        if (stock > 0)
        {
            foreach (var variant in product.Variants)
            {
                await host.Inventory.AdjustStockAsync(new AdjustStockRequest { Sku = variant.Sku, Delta = stock, Reason = "goods received" }, Admin);
            }
        }
        return product;
    }

    /// <summary>The first event of <paramref name="type"/> with <paramref name="key"/> on <paramref name="topic"/> that matches, within 30 s.</summary>
    public T ReadEvent<T>(string topic, string key, Google.Protobuf.MessageParser<T> parser, Func<T, bool>? matches = null)
        where T : Google.Protobuf.IMessage<T>, new()
    {
        using var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
        {
            BootstrapServers = Infrastructure.Kafka.BootstrapServers,
            GroupId = TestInfrastructure.UniqueName("reader"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
            SessionTimeoutMs = KafkaDevCluster.DevelopmentSessionTimeoutMs,
        }).Build();
        consumer.Subscribe(topic);
        var type = new T().Descriptor.FullName;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { } record && record.Message.Key == key
                && EventHeaders.Get(record.Message.Headers, EventHeaders.Type) == type
                && parser.ParseFrom(record.Message.Value) is var message && (matches is null || matches(message)))
            {
                consumer.Close();
                return message;
            }
        }
        throw new Xunit.Sdk.XunitException($"No {type} event with key {key} arrived on '{topic}' within 30 s.");
    }

    public async ValueTask DisposeAsync()
    {
        if (Catalog is not null)
        {
            await Catalog.DisposeAsync();
        }
        if (Users is not null)
        {
            await Users.DisposeAsync();
        }
        await Infrastructure.DisposeAsync();
    }
}
