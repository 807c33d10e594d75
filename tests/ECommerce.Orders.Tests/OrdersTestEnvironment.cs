using ECommerce.Contracts.Cart.V1;
using ECommerce.Contracts.Catalog.V1;
using ECommerce.Contracts.Common.V1;
using ECommerce.Contracts.Events;
using ECommerce.Contracts.Orders.V1;
using ECommerce.Contracts.Payment.V1;
using ECommerce.Contracts.Shipping.V1;
using ECommerce.Shipping.Tests;
using ECommerce.Contracts.Users.V1;
using ECommerce.LocalInfrastructure.Kafka;
using ECommerce.Testing;
using Metadata = Grpc.Core.Metadata;

namespace ECommerce.Orders.Tests;

/// <summary>
/// What the tests share: the infrastructure and real processes of Users, Catalog, Cart, Payment with its sandbox
/// provider, Shipping with its sandbox carrier, and Orders. Tests keep apart by their own customers, products and keys;
/// a test that breaks a participant starts its own copies.
/// </summary>
public sealed class OrdersTestEnvironment : IAsyncLifetime
{
    private static int _slugCounter;

    public TestInfrastructure Infrastructure { get; } = new();
    public UsersForTests Users { get; private set; } = null!;
    public ServiceProcess Catalog { get; private set; } = null!;
    public ServiceProcess Cart { get; private set; } = null!;
    public PaymentStack Payment { get; private set; } = null!;
    public ShippingShop Shipping { get; private set; } = null!;
    public OrdersProcess Orders { get; private set; } = null!;
    public Metadata Admin { get; private set; } = null!;
    public string AdminId { get; private set; } = "";
    /// <summary>Orders' own service token: to read stock and payments as Orders does.</summary>
    public Metadata OrdersService { get; private set; } = null!;

    private string _catalogDatabase = "";
    private string _catalogCachePrefix = "";
    private string _redis = "";

    public CatalogService.CatalogServiceClient Products => new(Catalog.Channel);
    public InventoryService.InventoryServiceClient Inventory => new(Catalog.Channel);
    public CartService.CartServiceClient Carts => new(Cart.Channel);
    public PaymentService.PaymentServiceClient Payments => new(Payment.Service.Channel);
    public OrdersService.OrdersServiceClient OrdersClient => Orders.Client;

    public async ValueTask InitializeAsync()
    {
        // The topics as the AppHost declares them (a consumer refuses a topic that does not exist).
        foreach (var topic in EventTopics.All)
        {
            Infrastructure.Kafka.CreateTopic(topic, 4);
        }
        Users = await UsersForTests.StartAsync(Infrastructure);
        _catalogDatabase = await Infrastructure.CreateDatabaseAsync("catalog");
        _catalogCachePrefix = TestInfrastructure.UniqueName("catalog");
        _redis = await Infrastructure.RedisConnectionStringAsync();
        Catalog = await StartCatalogAsync();
        Cart = await ServiceProcess.StartAsync("Cart", new Dictionary<string, string>(Common())
        {
            ["ConnectionStrings__cart"] = await Infrastructure.CreateDatabaseAsync("cart"),
            ["ConnectionStrings__redis"] = _redis,
            ["services__catalog__grpc__0"] = Catalog.Address.ToString(),
            ["Cart__KeyPrefix"] = TestInfrastructure.UniqueName("cart") + ":",
        });
        Payment = await PaymentStack.StartAsync(this);
        Shipping = await ShippingShop.StartAsync(Infrastructure, Users, Catalog.Address);
        Orders = await OrdersProcess.StartAsync(this);
        var admin = await UsersForTests.SignInAdminAsync(Users.Client);
        Admin = UsersForTests.Bearer(admin.Tokens.AccessToken);
        AdminId = admin.User.UserId;
        OrdersService = UsersForTests.Bearer(await Users.ServiceTokenAsync("orders"));
    }

    /// <summary>Kafka and Users, as every service gets them.</summary>
    public Dictionary<string, string> Common() => new()
    {
        ["ConnectionStrings__kafka"] = Infrastructure.Kafka.BootstrapServers,
        ["Kafka__SessionTimeoutMs"] = KafkaDevCluster.DevelopmentSessionTimeoutMs.ToString(),
        [Users.DiscoveryVariable.Key] = Users.DiscoveryVariable.Value,
    };

    /// <summary>A Catalog process over the shared catalog database (a second one is a catalog a test may kill).</summary>
    public Task<ServiceProcess> StartCatalogAsync(Uri? address = null) =>
        ServiceProcess.StartAsync("Catalog", new Dictionary<string, string>(Common())
        {
            ["ConnectionStrings__catalog"] = _catalogDatabase,
            ["ConnectionStrings__redis"] = _redis,
            ["Catalog__SeedDemoData"] = "false",
            ["Catalog__CacheKeyPrefix"] = _catalogCachePrefix,
        }, address: address);

    /// <summary>A new customer: id and token.</summary>
    public async Task<Customer> NewCustomerAsync()
    {
        var registered = await Users.Client.RegisterAsync(new RegisterRequest
        {
            Email = $"{Guid.NewGuid():N}@shop.example", Password = UsersForTests.Password, DisplayName = "Customer",
        });
        return new Customer(registered.User.UserId, UsersForTests.Bearer(registered.Tokens.AccessToken));
    }

    public static Money Euros(long units, int nanos = 0) => new() { CurrencyCode = "EUR", Units = units, Nanos = nanos };

    /// <summary>A product with one SKU at 12.75 EUR, stocked with <paramref name="stock"/> units; its SKU.</summary>
    public async Task<string> NewSkuAsync(long stock)
    {
        var slug = $"orders-{Interlocked.Increment(ref _slugCounter)}-{Guid.NewGuid():N}";
        var category = (await Products.CreateCategoryAsync(new CreateCategoryRequest { Category = new Category { Name = "Shoes", Slug = slug } }, Admin)).Category;
        var product = (await Products.CreateProductAsync(new CreateProductRequest
        {
            Product = new Product
            {
                Name = "Trail runner",
                Brand = "Stride",
                Description = "Grippy.",
                CategoryId = category.CategoryId,
                BasePrice = Euros(12, 750_000_000),
                Options = { new ProductOption { Name = "size", Values = { "M" } } },
            },
        }, Admin)).Product;
        var sku = product.Variants[0].Sku;
        if (stock > 0)
        {
            await Inventory.AdjustStockAsync(new AdjustStockRequest { Sku = sku, Delta = stock, Reason = "goods received" }, Admin);
        }
        return sku;
    }

    public async Task<StockLevel> StockAsync(string sku) => (await Inventory.GetStockAsync(new GetStockRequest { Sku = sku }, Admin)).Stock;

    public async Task<Contracts.Cart.V1.Cart> CartOfAsync(Customer customer) =>
        (await Carts.GetCartAsync(new GetCartRequest { CartId = "me" }, customer.Token)).Cart;

    /// <summary>A customer whose cart holds <paramref name="quantity"/> of <paramref name="sku"/>.</summary>
    public async Task<Customer> ShopperAsync(string sku, long quantity = 1)
    {
        var customer = await NewCustomerAsync();
        await Carts.AddItemAsync(new AddItemRequest { CartId = "me", Sku = sku, Quantity = quantity }, customer.Token);
        return customer;
    }

    public static Address Berlin() => new() { RecipientName = "Erika Mustermann", Line1 = "Unter den Linden 1", City = "Berlin", PostalCode = "10117", CountryCode = "DE" };

    /// <summary>
    /// A PlaceOrder request as a storefront makes it: the card tokenised at the sandbox, and the customer's standard shipping
    /// quote for what their cart holds (a placeholder when there is no customer or nothing in the cart: the request is refused first).
    /// </summary>
    public async Task<PlaceOrderRequest> CheckoutAsync(Customer? customer = null, string card = SandboxCards.Approved, string? key = null) => new()
    {
        IdempotencyKey = key ?? Guid.NewGuid().ToString(),
        ShippingAddress = Berlin(),
        QuoteId = customer is null ? "quote-none" : await StandardQuoteAsync(customer),
        PaymentMethodToken = await Payment.Sandbox.TokeniseAsync(card),
    };

    public async Task<string> StandardQuoteAsync(Customer customer)
    {
        var lines = (await CartOfAsync(customer)).Lines;
        if (lines.Count == 0)
        {
            return "quote-none";
        }
        var quotes = (await Shipping.Client.GetQuotesAsync(new GetQuotesRequest
        {
            Address = Berlin(),
            Items = { lines.Select(line => new ShippingItem { Sku = line.Sku, Quantity = line.Quantity }) },
        }, customer.Token)).Quotes;
        return quotes.Single(quote => quote.Option == ShippingOption.Standard).QuoteId;
    }

    public async Task<IReadOnlyList<Contracts.Payment.V1.Payment>> PaymentsOfAsync(string orderId) =>
        (await Payments.ListPaymentsAsync(new ListPaymentsRequest { OrderId = orderId }, OrdersService)).Payments;

    public async ValueTask DisposeAsync()
    {
        foreach (var part in new IAsyncDisposable?[] { Orders, Shipping, Payment, Cart, Catalog, Users })
        {
            if (part is not null)
            {
                await part.DisposeAsync();
            }
        }
        await Infrastructure.DisposeAsync();
    }
}

public sealed record Customer(string UserId, Metadata Token);

public static class SandboxCards
{
    public const string Approved = "4242424242424242";
    public const string Declined = "4000000000009995";
    /// <summary>Approved and recorded, but the connection drops before the answer.</summary>
    public const string AnswerLost = "4000000000000101";
}
