using ECommerce.AppHost.Hosting;
using ECommerce.AppHost.Resources;

// The whole mesh, declared. Every service gets the addresses and connection strings of what it
// references through Aspire-convention environment variables (see docs/apphost.md).
var builder = DistributedApplicationBuilder.Create(args);

var postgres = builder.AddPostgres("postgres");
var redis = builder.AddRedis("redis");
var kafka = builder.AddKafka("kafka");

builder.AddProject("gateway", "services/Gateway/ECommerce.Gateway.csproj")
    .WithHttpEndpoint("http", isExternal: true)
    .WaitFor(postgres)
    .WaitFor(redis)
    .WaitFor(kafka);

return await builder.Build().RunAsync();
