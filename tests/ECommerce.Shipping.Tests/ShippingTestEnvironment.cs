using ECommerce.Contracts.Catalog.V1;
using ECommerce.Contracts.Common.V1;
using ECommerce.Contracts.Events;
using ECommerce.Contracts.Shipping.V1;
using ECommerce.Contracts.Users.V1;
using ECommerce.Testing;
using Metadata = Grpc.Core.Metadata;

namespace ECommerce.Shipping.Tests;

/// <summary>
/// What the tests of the assembly share: the infrastructure, Users, a Catalog process (no demo data), one Shipping shop
/// with its carrier, a consumer of the shipments topic, and the tokens of every kind of caller. Tests keep apart by
/// their own products, customers and orders.
/// </summary>
public sealed class ShippingTestEnvironment : IAsyncLifetime
{
    public TestInfrastructure Infrastructure { get; } = new();
    public UsersForTests Users { get; private set; } = null!;
    public ServiceProcess CatalogProcess { get; private set; } = null!;
    public CatalogService.CatalogServiceClient Catalog { get; private set; } = null!;
    public ShippingShop Shop { get; private set; } = null!;
    public ShipmentEventLog Events { get; private set; } = null!;

    /// <summary>The Orders service: a service token with the shipping scope.</summary>
    public Metadata Orders { get; private set; } = null!;

    /// <summary>A service token without the shipping scope (Orders' client asking for the payments scope only).</summary>
    public Metadata ServiceWithoutScope { get; private set; } = null!;

    public Metadata Admin { get; private set; } = null!;
    public Metadata Customer { get; private set; } = null!;
    public string CustomerId { get; private set; } = "";
    public Metadata OtherCustomer { get; private set; } = null!;

    public ShippingService.ShippingServiceClient Shipping => Shop.Client;

    public async ValueTask InitializeAsync()
    {
        Infrastructure.Kafka.CreateTopic(EventTopics.Shipments, 4);
        Events = new ShipmentEventLog(Infrastructure.Kafka.BootstrapServers);
        Users = await UsersForTests.StartAsync(Infrastructure);
        CatalogProcess = await ServiceProcess.StartAsync("Catalog", new Dictionary<string, string>
        {
            ["ConnectionStrings__catalog"] = await Infrastructure.CreateDatabaseAsync("catalog"),
            ["ConnectionStrings__redis"] = await Infrastructure.RedisConnectionStringAsync(),
            ["ConnectionStrings__kafka"] = Infrastructure.Kafka.BootstrapServers,
            ["Kafka__SessionTimeoutMs"] = LocalInfrastructure.Kafka.KafkaDevCluster.DevelopmentSessionTimeoutMs.ToString(),
            [Users.DiscoveryVariable.Key] = Users.DiscoveryVariable.Value,
            ["Catalog__SeedDemoData"] = "false",
            ["Catalog__CacheKeyPrefix"] = TestInfrastructure.UniqueName("catalog"),
        });
        Catalog = new CatalogService.CatalogServiceClient(CatalogProcess.Channel);
        Shop = await ShippingShop.StartAsync(Infrastructure, Users, CatalogProcess.Address);
        Orders = UsersForTests.Bearer(await Users.ServiceTokenAsync("orders"));
        var paymentsOnly = await Users.RequestServiceTokenAsync("orders", Users.ServiceSecret("orders"), "payments");
        ServiceWithoutScope = UsersForTests.Bearer(paymentsOnly.AccessToken ?? throw new InvalidOperationException(paymentsOnly.Error));
        Admin = UsersForTests.Bearer(await Users.AdminTokenAsync());
        (CustomerId, Customer) = await NewCustomerAsync();
        OtherCustomer = (await NewCustomerAsync()).Token;
    }

    public async Task<(string UserId, Metadata Token)> NewCustomerAsync()
    {
        var registered = await Users.Client.RegisterAsync(new RegisterRequest
        {
            Email = $"{Guid.NewGuid():N}@shop.example", Password = UsersForTests.Password, DisplayName = "Customer",
        });
        return (registered.User.UserId, UsersForTests.Bearer(registered.Tokens.AccessToken));
    }

    /// <summary>A new product with one SKU per weight given (grams; 0 leaves it unknown), in a new category.</summary>
    public async Task<IReadOnlyList<string>> NewSkusAsync(params long[] grams)
    {
        var slug = $"parcel-{Guid.NewGuid():N}";
        var category = (await Catalog.CreateCategoryAsync(new CreateCategoryRequest { Category = new Category { Name = "Parcels", Slug = slug } }, Admin)).Category;
        var sizes = grams.Select((_, i) => $"size-{i}").ToArray();
        var product = (await Catalog.CreateProductAsync(new CreateProductRequest
        {
            Product = new Product
            {
                Name = "Weighed thing",
                CategoryId = category.CategoryId,
                BasePrice = new Money { CurrencyCode = "EUR", Units = 10 },
                Options = { new ProductOption { Name = "size", Values = { sizes } } },
                Variants = { sizes.Select((size, i) => new Variant { Options = { ["size"] = size }, WeightGrams = grams[i] }) },
            },
        }, Admin)).Product;
        return product.Variants.Select(variant => variant.Sku).ToList();
    }

    public static Address Berlin(string recipient = "Erika Mustermann") => new()
    {
        RecipientName = recipient, Line1 = "Unter den Linden 1", City = "Berlin", PostalCode = "10117", CountryCode = "DE",
    };

    public static ShippingItem Item(string sku, long quantity) => new() { Sku = sku, Quantity = quantity };

    /// <summary>The customer's quotes for <paramref name="items"/> to <paramref name="address"/>.</summary>
    public async Task<IReadOnlyList<Quote>> QuotesAsync(Metadata customer, Address address, params ShippingItem[] items) =>
        (await Shipping.GetQuotesAsync(new GetQuotesRequest { Address = address, Items = { items } }, customer)).Quotes;

    /// <summary>A shipment booked as Orders does: the customer's standard quote for one 1 kg item, a new order.</summary>
    public async Task<Shipment> BookedAsync(string? recipient = null, ShippingShop? shop = null, Metadata? customer = null, string? customerId = null)
    {
        var sku = (await NewSkusAsync(1000))[0];
        var client = (shop ?? Shop).Client;
        var quotes = (await client.GetQuotesAsync(new GetQuotesRequest { Address = Berlin(recipient ?? "Erika Mustermann"), Items = { Item(sku, 1) } }, customer ?? Customer)).Quotes;
        var standard = quotes.Single(quote => quote.Option == ShippingOption.Standard);
        return (await client.CreateShipmentAsync(new CreateShipmentRequest
        {
            OrderId = $"order-{Guid.NewGuid():N}", QuoteId = standard.QuoteId, UserId = customerId ?? CustomerId,
        }, Orders)).Shipment;
    }

    /// <summary>The shipment once <paramref name="done"/> holds (webhooks arrive asynchronously), or after 60 s, to fail on.</summary>
    public async Task<Shipment> EventuallyAsync(string shipmentId, Func<Shipment, bool> done, ShippingShop? shop = null)
    {
        var client = (shop ?? Shop).Client;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var shipment = (await client.GetShipmentAsync(new GetShipmentRequest { ShipmentId = shipmentId }, Admin)).Shipment;
            if (done(shipment) || DateTime.UtcNow > deadline)
            {
                return shipment;
            }
            await Task.Delay(100);
        }
    }

    /// <summary>Advances the carrier one step and waits until the shipment shows <paramref name="status"/>.</summary>
    public async Task<Shipment> AdvanceToAsync(Shipment shipment, ShipmentStatus status, ShippingShop? shop = null)
    {
        await (shop ?? Shop).Carrier.AdvanceAsync(shipment.ShipmentId);
        return await EventuallyAsync(shipment.ShipmentId, current => current.Status == status, shop);
    }

    public async ValueTask DisposeAsync()
    {
        if (Shop is not null)
        {
            await Shop.DisposeAsync();
        }
        if (CatalogProcess is not null)
        {
            await CatalogProcess.DisposeAsync();
        }
        if (Users is not null)
        {
            await Users.DisposeAsync();
        }
        if (Events is not null)
        {
            await Events.DisposeAsync();
        }
        await Infrastructure.DisposeAsync();
    }
}
