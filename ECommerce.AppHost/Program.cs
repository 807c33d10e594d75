using ECommerce.AppHost;
using ECommerce.AppHost.Infrastructure;
using ECommerce.AppHost.Services;
using ECommerce.Contracts.Events;

// The whole mesh, declared. Services get the addresses and connection strings of what they reference through
// Aspire's environment conventions; `--mode monolith` runs the same services in one process (see docs/apphost.md).
var builder = DistributedApplication.CreateBuilder(args);
switch (builder.Configuration["mode"] ?? "mesh")
{
    case "mesh":
        break;
    case "monolith":
        builder.AddMonolith<Projects.ECommerce_Monolith>("monolith");
        break;
    case var unknown:
        Console.Error.WriteLine($"--mode {unknown} is not understood: use --mode mesh (one process per service) or --mode monolith.");
        return 2;
}

var postgres = builder.AddPostgres("postgres");
var redis = builder.AddRedis("redis");
// Every service's log records travel on the logs topic, beside the domain events' topics (it is not one of them).
var kafka = builder.AddKafkaDevCluster("kafka").WithTopics([.. EventTopics.All, EventTopics.Logs], partitions: 4);

var usersDb = postgres.AddDatabase("users-db", databaseName: "users");
var users = builder.AddService<Projects.ECommerce_Users>("users")
    .WithReference(usersDb).WaitFor(usersDb)
    .WithReference(kafka).WaitFor(kafka);

// Every service but Users validates access tokens with the keys Users publishes.
var catalogDb = postgres.AddDatabase("catalog-db", databaseName: "catalog");
var catalog = builder.AddService<Projects.ECommerce_Catalog>("catalog")
    .WithReference(catalogDb).WaitFor(catalogDb)
    .WithReference(redis).WaitFor(redis)
    .WithReference(kafka).WaitFor(kafka)
    .WithReference(users).WaitFor(users);

// Search reads catalog events; it calls the catalog only to rebuild its index.
var searchDb = postgres.AddDatabase("search-db", databaseName: "search");
var search = builder.AddService<Projects.ECommerce_Search>("search")
    .WithReference(searchDb).WaitFor(searchDb)
    .WithReference(kafka).WaitFor(kafka)
    .WithReference(users).WaitFor(users)
    .WithReference(catalog);

// Carts live in Redis (append-only file on); the cart's database holds only which order events it has handled.
var cartDb = postgres.AddDatabase("cart-db", databaseName: "cart");
var cart = builder.AddService<Projects.ECommerce_Cart>("cart")
    .WithReference(cartDb).WaitFor(cartDb)
    .WithReference(redis).WaitFor(redis)
    .WithReference(kafka).WaitFor(kafka)
    .WithReference(users).WaitFor(users)
    .WithReference(catalog).WaitFor(catalog);

// The sandbox payment provider stands in for an external card processor: always a process of its own, in either mode.
// Its API key and webhook secret are secret parameters, generated on first run and kept in the AppHost's user secrets.
var providerApiKey = builder.AddParameter("payment-provider-api-key", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);
var providerWebhookSecret = builder.AddParameter("payment-provider-webhook-secret", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);
var paymentSandbox = builder.AddProject<Projects.ECommerce_PaymentSandbox>("payment-sandbox", launchProfileName: null)
    .WithKestrelEndpoint(ServiceBuilderExtensions.RestEndpoint, "Http1", configurationPrefix: "")
    .WithEnvironment("Sandbox__ApiKey", providerApiKey)
    .WithEnvironment("Sandbox__WebhookSecret", providerWebhookSecret)
    .WithHttpHealthCheck("/health");
var providerEndpoint = paymentSandbox.GetEndpoint(ServiceBuilderExtensions.RestEndpoint);
var paymentDb = postgres.AddDatabase("payment-db", databaseName: "payment");
var payment = builder.AddService<Projects.ECommerce_Payment>("payment")
    .WithReference(paymentDb).WaitFor(paymentDb)
    .WithReference(kafka).WaitFor(kafka)
    .WithReference(users).WaitFor(users)
    .WaitFor(paymentSandbox)
    .WithSetting("Payment__Provider__BaseAddress", ReferenceExpression.Create($"{providerEndpoint}"))
    .WithSetting("Payment__Provider__ApiKey", ReferenceExpression.Create($"{providerApiKey}"))
    .WithSetting("Payment__Provider__WebhookSecret", ReferenceExpression.Create($"{providerWebhookSecret}"));
paymentSandbox.WithEnvironment("Sandbox__WebhookUrl", ReferenceExpression.Create($"{payment.GrpcEndpointOf()}/webhooks/payment-provider"));

// The sandbox carrier stands in for a parcel carrier: a process of its own in either mode, its clock moving each parcel
// every CarrierStepSeconds (5 by default). Its API key and webhook secret are generated secret parameters, like the provider's.
var carrierApiKey = builder.AddParameter("carrier-api-key", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);
var carrierWebhookSecret = builder.AddParameter("carrier-webhook-secret", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);
var carrierSandbox = builder.AddProject<Projects.ECommerce_CarrierSandbox>("carrier-sandbox", launchProfileName: null)
    .WithKestrelEndpoint(ServiceBuilderExtensions.RestEndpoint, "Http1", configurationPrefix: "")
    .WithEnvironment("Sandbox__ApiKey", carrierApiKey)
    .WithEnvironment("Sandbox__WebhookSecret", carrierWebhookSecret)
    .WithEnvironment("Sandbox__StepInterval", TimeSpan.FromSeconds(int.Parse(builder.Configuration["CarrierStepSeconds"] ?? "5")).ToString("c"))
    .WithEnvironment("Sandbox__TestControl", "true")
    .WithHttpHealthCheck("/health");
var carrierEndpoint = carrierSandbox.GetEndpoint(ServiceBuilderExtensions.RestEndpoint);
var shippingDb = postgres.AddDatabase("shipping-db", databaseName: "shipping");
var shipping = builder.AddService<Projects.ECommerce_Shipping>("shipping")
    .WithReference(shippingDb).WaitFor(shippingDb)
    .WithReference(kafka).WaitFor(kafka)
    .WithReference(users).WaitFor(users)
    .WithReference(catalog).WaitFor(catalog)
    .WaitFor(carrierSandbox)
    .WithSetting("Shipping__Carrier__BaseAddress", ReferenceExpression.Create($"{carrierEndpoint}"))
    .WithSetting("Shipping__Carrier__ApiKey", ReferenceExpression.Create($"{carrierApiKey}"))
    .WithSetting("Shipping__Carrier__WebhookSecret", ReferenceExpression.Create($"{carrierWebhookSecret}"));
carrierSandbox.WithEnvironment("Sandbox__WebhookUrl", ReferenceExpression.Create($"{shipping.GrpcEndpointOf()}/webhooks/carrier"));

// Orders runs the checkout saga: the customer's cart from Cart, stock from Catalog, money from Payment and the shipment
// from Shipping, calling Catalog, Payment and Shipping under its own identity (a client secret from a secret parameter,
// scopes granted by Users).
var ordersDb = postgres.AddDatabase("orders-db", databaseName: "orders");
var orders = builder.AddService<Projects.ECommerce_Orders>("orders")
    .WithReference(ordersDb).WaitFor(ordersDb)
    .WithReference(kafka).WaitFor(kafka)
    .WithReference(users).WaitFor(users)
    .WithReference(catalog).WaitFor(catalog)
    .WithReference(cart).WaitFor(cart)
    .WithReference(payment).WaitFor(payment)
    .WithReference(shipping).WaitFor(shipping)
    .WithServiceIdentity(users, "inventory", "payments", "shipping");

// Logging stores every service's logs (each service sends them to the logs topic itself); it reads, it calls no one.
var loggingDb = postgres.AddDatabase("logging-db", databaseName: "logging");
var logging = builder.AddService<Projects.ECommerce_Logging>("logging")
    .WithReference(loggingDb).WaitFor(loggingDb)
    .WithReference(kafka).WaitFor(kafka)
    .WithReference(users).WaitFor(users);

// The edge opens last, once everything behind it is up; it lets the storefront's development server call it. Kafka only
// carries its logs.
builder.AddService<Projects.ECommerce_Gateway>("gateway")
    .WithRestEndpoint()
    .WithReference(kafka).WaitFor(kafka)
    .WithSetting("Gateway__Cors__Origins__0", builder.Configuration["StorefrontOrigin"] ?? "http://localhost:3000")
    .WithReference(users).WaitFor(users)
    .WithReference(catalog).WaitFor(catalog)
    .WithReference(search).WaitFor(search)
    .WithReference(cart).WaitFor(cart)
    .WithReference(payment).WaitFor(payment)
    .WithReference(shipping).WaitFor(shipping)
    .WithReference(orders).WaitFor(orders)
    .WithReference(logging).WaitFor(logging);

ReadinessReport.Add(builder);
CrashRestarts.Add(builder);
builder.Build().Run();
return 0;
