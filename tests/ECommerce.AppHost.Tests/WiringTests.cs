using Confluent.Kafka;
using ECommerce.AppHost.Hosting;
using ECommerce.AppHost.Resources;
using ECommerce.AppHost.Tests.Harness;
using ECommerce.Grpc;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.Extensions.Configuration;
using Npgsql;
using StackExchange.Redis;

namespace ECommerce.AppHost.Tests;

/// <summary>What a service is given, read from the environment of its real process (/proc/&lt;pid&gt;/environ).</summary>
public sealed class WiringTests
{
    /// <summary>The one service binary there is; here it stands in for two services that use the infrastructure.</summary>
    private const string ServiceProject = "services/Gateway/ECommerce.Gateway.csproj";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Services_get_working_connection_strings_and_every_replicas_address_under_Aspire_names()
    {
        await using var host = await InProcessAppHost.StartAsync(DeclareMesh, Cancellation);
        await host.Output.WaitForAsync("Ready: ", TimeSpan.FromSeconds(120), Cancellation, host.Diagnostics);
        var rows = (await host.Dashboard.GetResourcesAsync(Cancellation)).ToDictionary(row => row.Name);
        Assert.Equal(["postgres", "redis", "kafka", "catalog-0", "catalog-1", "basket"], rows.Keys);

        var catalog = Processes.EnvironmentOf(rows["catalog-0"].ProcessId!.Value);
        await using (var database = new NpgsqlConnection(catalog["ConnectionStrings__catalogdb"]))
        {
            await database.OpenAsync(Cancellation);
            Assert.Equal("catalogdb", database.Database);
        }
        await using (var redis = await ConnectionMultiplexer.ConnectAsync(catalog["ConnectionStrings__redis"]))
        {
            await redis.GetDatabase().PingAsync();
        }
        using (var kafka = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = catalog["ConnectionStrings__kafka"] }).Build())
        {
            Assert.Equal(3, kafka.GetMetadata("orders", TimeSpan.FromSeconds(10)).Topics.Single().Partitions.Count);
        }
        Assert.Equal("catalog", catalog["OTEL_SERVICE_NAME"]);
        Assert.Equal("service.instance.id=catalog-0", catalog["OTEL_RESOURCE_ATTRIBUTES"]);
        Assert.Equal(host.Dashboard.Address.ToString().TrimEnd('/'), catalog["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        Assert.Equal("http/protobuf", catalog["OTEL_EXPORTER_OTLP_PROTOCOL"]);

        // basket finds both catalog replicas by service name, with ECommerce.Grpc's own resolution.
        var basket = new ConfigurationBuilder()
            .AddInMemoryCollection(Processes.EnvironmentOf(rows["basket"].ProcessId!.Value)
                .Select(variable => KeyValuePair.Create(variable.Key.Replace("__", ":"), (string?)variable.Value)))
            .Build();
        var catalogAddresses = ServiceAddresses.Resolve(basket, "catalog");
        Assert.Equal([rows["catalog-0"].Url("grpc"), rows["catalog-1"].Url("grpc")], catalogAddresses.Select(address => address.ToString().TrimEnd('/')));
        foreach (var address in catalogAddresses)
        {
            using var channel = GrpcChannel.ForAddress(address);
            var health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), cancellationToken: Cancellation);
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        }
    }

    private static void DeclareMesh(DistributedApplicationBuilder builder)
    {
        var postgres = builder.AddPostgres("postgres");
        var catalogDb = postgres.AddDatabase("catalogdb");
        var redis = builder.AddRedis("redis");
        var kafka = builder.AddKafka("kafka", brokers: 1).WithTopic("orders", partitions: 3);
        var catalog = builder.AddProject("catalog", ServiceProject)
            .WithReplicas(2)
            .WithReference(catalogDb).WithReference(redis).WithReference(kafka)
            .WaitFor(catalogDb).WaitFor(redis).WaitFor(kafka);
        builder.AddProject("basket", ServiceProject)
            .WithReference(catalog)
            .WaitFor(catalog);
    }
}
