using ECommerce.EventBus;
using ECommerce.EventBus.Kafka;
using ECommerce.LocalInfrastructure.Processes;
using ECommerce.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace ECommerce.EventBus.Tests;

/// <summary>Kafka wired the way an Aspire client integration is: from the connection string's name, with a health check.</summary>
public sealed class KafkaIntegrationTests(TestInfrastructure infrastructure)
{
    [Fact]
    public async Task The_health_check_reports_a_reachable_cluster_healthy_and_an_unreachable_one_degraded()
    {
        var reachable = await CheckAsync(infrastructure.Kafka.BootstrapServers);
        var unreachable = await CheckAsync($"{Loopback.Host}:{Loopback.FreePort()}");

        Assert.Equal(HealthStatus.Healthy, reachable.Status);
        Assert.Equal(HealthStatus.Degraded, unreachable.Status);
        Assert.Equal("Kafka is unreachable", unreachable.Description);
    }

    [Fact]
    public void The_connection_string_wins_over_the_Aspire_section_and_a_missing_one_is_named()
    {
        var settings = Builder(new()
        {
            ["Aspire:Confluent:Kafka:ConnectionString"] = "elsewhere:9092",
            ["Aspire:Confluent:Kafka:SessionTimeoutMs"] = "6000",
            ["ConnectionStrings:kafka"] = "broker:9092",
        }).AddKafkaClient("kafka");
        var missing = Assert.Throws<InvalidOperationException>(() => Builder([]).AddKafkaClient("kafka"));

        Assert.Equal(("broker:9092", 6000), (settings.ConnectionString, settings.SessionTimeoutMs));
        Assert.Contains("Set ConnectionStrings__kafka", missing.Message, StringComparison.Ordinal);
    }

    private static async Task<HealthReportEntry> CheckAsync(string bootstrapServers)
    {
        var builder = Builder(new() { ["ConnectionStrings:kafka"] = bootstrapServers });
        builder.AddKafkaClient("kafka", settings => settings.HealthCheckTimeout = TimeSpan.FromSeconds(2));
        using var host = builder.Build();
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(TestContext.Current.CancellationToken);
        return report.Entries["kafka-kafka"];
    }

    [Fact]
    public async Task Without_a_connection_string_the_bus_can_be_built_for_unit_tests_but_the_host_does_not_start()
    {
        var builder = Builder([]);

        builder.AddEventBus("unit-test");
        using var host = builder.Build();
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("Set ConnectionStrings__kafka", refused.Message, StringComparison.Ordinal);
    }

    private static HostApplicationBuilder Builder(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        return builder;
    }
}
