using ECommerce.AppHost.Hosting;
using ECommerce.AppHost.Resources;

// The whole mesh, declared. Every service gets the addresses and connection strings of what it
// references through Aspire-convention environment variables (see docs/apphost.md).
var builder = DistributedApplicationBuilder.Create(args);

var postgres = builder.AddPostgres("postgres");
var redis = builder.AddRedis("redis");
var kafka = builder.AddKafka("kafka")
    .WithTopic("users", partitions: 4);

var users = builder.AddProject("users", "services/Users/ECommerce.Users.csproj")
    .WithReference(postgres.AddDatabase("users")).WaitFor(postgres)
    .WithReference(kafka).WaitFor(kafka);

// The edge opens last, once everything behind it is up.
builder.AddProject("gateway", "services/Gateway/ECommerce.Gateway.csproj")
    .WithHttpEndpoint("http", isExternal: true)
    .WithReference(users).WaitFor(users)
    .WaitFor(redis);

return await builder.Build().RunAsync();
