using System.Collections.Concurrent;
using ECommerce.Contracts.Events.V1;
using ECommerce.EventBus;
using ECommerce.EventBus.TestConsumer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

// dotnet ECommerce.EventBus.TestConsumer.dll, configured by ConnectionStrings__kafka, ConnectionStrings__consumer,
// Consumer__Topic and Consumer__Group. Commits offsets only once an hour (or on a clean stop), so a
// kill leaves handled events uncommitted in Kafka.
var builder = Host.CreateApplicationBuilder();
string Setting(string key) => builder.Configuration[key] ?? throw new InvalidOperationException($"{key} is not set.");
builder.Services.AddSingleton(NpgsqlDataSource.Create(Setting("ConnectionStrings:consumer")));
builder.Services.AddSingleton(new ConcurrentBag<string>());
builder.Services.AddSingleton(new ConsumerInstance("process"));
builder.Services.AddEventBus(new EventBusOptions
{
    ServiceName = Setting("Consumer:Group"),
    BootstrapServers = Setting("ConnectionStrings:kafka"),
    SessionTimeoutMs = 6000,
    OffsetCommitInterval = TimeSpan.FromHours(1),
});
builder.Services.AddEventHandler<UserRegistered, WelcomeHandler>(Setting("Consumer:Topic"));
await builder.Build().RunAsync();
