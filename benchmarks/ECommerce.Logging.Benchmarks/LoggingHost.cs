using ECommerce.Logging.Ingestion;
using ECommerce.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ECommerce.Logging.Benchmarks;

/// <summary>The real Logging service on Kestrel, consuming the dev cluster's logs topic into a throwaway database.</summary>
internal sealed class LoggingHost : IAsyncDisposable
{
    private readonly ServiceOnKestrel<LoggingOptions> _service;

    private LoggingHost(ServiceOnKestrel<LoggingOptions> service, string database, string kafka)
    {
        _service = service;
        Database = NpgsqlDataSource.Create(database);
        Kafka = kafka;
    }

    public NpgsqlDataSource Database { get; }
    public string Kafka { get; }

    public static async Task<LoggingHost> StartAsync(TestInfrastructure infrastructure)
    {
        var database = await infrastructure.CreateDatabaseAsync("logging_bench");
        // Outside a test runner the factory cannot guess the service's content root; its files are copied next to this program.
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_ECOMMERCE_LOGGING", AppContext.BaseDirectory);
        var service = ServiceOnKestrel<LoggingOptions>.Start(
        [
            new("ConnectionStrings:logging", database),
            .. infrastructure.KafkaSettings(),
            // Queries are not measured here (the database is read directly): no Users to validate tokens against.
            new("services:users:grpc:0", "http://127.0.0.1:9"),
            new("Logs:SpikeCheckInterval", "01:00:00"),
        ]);
        await service.Services.GetRequiredService<LogIngestor>().Assigned.WaitAsync(TimeSpan.FromSeconds(60));
        return new LoggingHost(service, database, infrastructure.Kafka.BootstrapServers);
    }

    public async ValueTask DisposeAsync()
    {
        await Database.DisposeAsync();
        await _service.DisposeAsync();
    }
}
