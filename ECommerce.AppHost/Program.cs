using ECommerce.AppHost.Hosting;
using ECommerce.AppHost.Resources;

// The whole mesh, declared. Every service gets the addresses and connection strings of what it
// references through Aspire-convention environment variables (see docs/apphost.md).
var builder = DistributedApplicationBuilder.Create(args);

var postgres = builder.AddPostgres("postgres");
var redis = builder.AddRedis("redis");
var kafka = builder.AddKafka("kafka")
    .WithTopic("users", partitions: 4)
    .WithTopic("catalog.products", partitions: 4)
    .WithTopic("catalog.inventory", partitions: 4);

var users = builder.AddProject("users", "services/Users/ECommerce.Users.csproj")
    .WithReference(postgres.AddDatabase("users")).WaitFor(postgres)
    .WithReference(kafka).WaitFor(kafka);

// Every service but Users validates access tokens with the keys Users publishes.
var catalog = builder.AddProject("catalog", "services/Catalog/ECommerce.Catalog.csproj")
    .WithReference(postgres.AddDatabase("catalog")).WaitFor(postgres)
    .WithReference(redis).WaitFor(redis)
    .WithReference(kafka).WaitFor(kafka)
    .WithReference(users).WaitFor(users);

// Search reads catalog events; it calls the catalog only to rebuild its index.
var search = builder.AddProject("search", "services/Search/ECommerce.Search.csproj")
    .WithReference(postgres.AddDatabase("search")).WaitFor(postgres)
    .WithReference(kafka).WaitFor(kafka)
    .WithReference(users).WaitFor(users)
    .WithReference(catalog);

// The edge opens last, once everything behind it is up.
builder.AddProject("gateway", "services/Gateway/ECommerce.Gateway.csproj")
    .WithHttpEndpoint("http", isExternal: true)
    .WithReference(users).WaitFor(users)
    .WithReference(catalog).WaitFor(catalog)
    .WithReference(search).WaitFor(search);

return await builder.Build().RunAsync();
