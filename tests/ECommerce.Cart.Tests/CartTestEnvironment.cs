using ECommerce.Catalog;
using ECommerce.Contracts.Cart.V1;
using ECommerce.Contracts.Catalog.V1;
using ECommerce.Contracts.Common.V1;
using ECommerce.Contracts.Users.V1;
using ECommerce.Testing;
using Metadata = Grpc.Core.Metadata;

namespace ECommerce.Cart.Tests;

/// <summary>
/// What every test of the assembly shares: the infrastructure, the real Users service, the real Catalog
/// (on Kestrel, no demo data) and one Cart service calling it. Tests keep apart by creating their own
/// products, customers and guest carts.
/// </summary>
public sealed class CartTestEnvironment : IAsyncLifetime
{
    private static int _slugCounter;
    private ServiceOnKestrel<CatalogOptions> _catalog = null!;

    public TestInfrastructure Infrastructure { get; } = new();
    public UsersForTests Users { get; private set; } = null!;
    public CartHost Cart { get; private set; } = null!;
    public CatalogService.CatalogServiceClient Catalog { get; private set; } = null!;
    public InventoryService.InventoryServiceClient Inventory { get; private set; } = null!;
    public Uri CatalogAddress => _catalog.Address;
    public Metadata Admin { get; private set; } = null!;
    public string AdminId { get; private set; } = null!;

    public CartService.CartServiceClient Carts => Cart.Client;

    public async ValueTask InitializeAsync()
    {
        Users = await UsersForTests.StartAsync(Infrastructure);
        _catalog = ServiceOnKestrel<CatalogOptions>.Start(
        [
            new("ConnectionStrings:catalog", await Infrastructure.CreateDatabaseAsync("catalog")),
            new("ConnectionStrings:redis", await Infrastructure.RedisConnectionStringAsync()),
            .. Infrastructure.KafkaSettings(),
            Users.DiscoverySetting,
            new("Catalog:SeedDemoData", "false"),
            new("Catalog:CacheKeyPrefix", TestInfrastructure.UniqueName("catalog")),
        ]);
        Catalog = new CatalogService.CatalogServiceClient(_catalog.Channel);
        Inventory = new InventoryService.InventoryServiceClient(_catalog.Channel);
        Cart = await CartHost.StartAsync(this);
        var admin = await UsersForTests.SignInAdminAsync(Users.Client);
        Admin = UsersForTests.Bearer(admin.Tokens.AccessToken);
        AdminId = admin.User.UserId;
    }

    /// <summary>A new customer: its user id and its token as call metadata.</summary>
    public async Task<(string UserId, Metadata Token)> NewCustomerAsync()
    {
        var registered = await Users.Client.RegisterAsync(new RegisterRequest
        {
            Email = $"{Guid.NewGuid():N}@shop.example", Password = UsersForTests.Password, DisplayName = "Customer",
        });
        return (registered.User.UserId, UsersForTests.Bearer(registered.Tokens.AccessToken));
    }

    /// <summary>A new guest cart and the header that reaches it.</summary>
    public async Task<Metadata> NewGuestAsync(CartHost? cart = null)
    {
        var created = await (cart ?? Cart).Client.CreateGuestCartAsync(new CreateGuestCartRequest());
        return Guest(created.GuestToken);
    }

    public static Metadata Guest(string token) => new() { { "x-cart-token", token } };

    public static Money Euros(long units, int nanos = 0) => new() { CurrencyCode = "EUR", Units = units, Nanos = nanos };

    /// <summary>A product in a new category with one SKU per size at 12.75 EUR, each stocked with <paramref name="stock"/> units.</summary>
    public async Task<Product> NewProductAsync(long stock, params string[] sizes)
    {
        var slug = $"cart-{Interlocked.Increment(ref _slugCounter)}-{Guid.NewGuid():N}";
        var category = (await Catalog.CreateCategoryAsync(new CreateCategoryRequest { Category = new Category { Name = "Shoes", Slug = slug } }, Admin)).Category;
        var product = (await Catalog.CreateProductAsync(new CreateProductRequest
        {
            Product = new Product
            {
                Name = "Trail runner",
                Brand = "Stride",
                Description = "Grippy.",
                CategoryId = category.CategoryId,
                BasePrice = Euros(12, 750_000_000),
                Options = { new ProductOption { Name = "size", Values = { sizes.Length > 0 ? sizes : ["S", "M"] } } },
                ImageUrls = { "https://images.shop.example/trail-runner.jpg" },
            },
        }, Admin)).Product;
        foreach (var variant in stock > 0 ? product.Variants : [])
        {
            await Inventory.AdjustStockAsync(new AdjustStockRequest { Sku = variant.Sku, Delta = stock, Reason = "goods received" }, Admin);
        }
        return product;
    }

    public async ValueTask DisposeAsync()
    {
        if (Cart is not null)
        {
            await Cart.DisposeAsync();
        }
        if (_catalog is not null)
        {
            await _catalog.DisposeAsync();
        }
        if (Users is not null)
        {
            await Users.DisposeAsync();
        }
        await Infrastructure.DisposeAsync();
    }
}
