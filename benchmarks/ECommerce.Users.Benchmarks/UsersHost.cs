using ECommerce.Grpc;
using ECommerce.LocalInfrastructure.Kafka;
using ECommerce.LocalInfrastructure.Postgres;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using UsersClient = ECommerce.Contracts.Users.V1.UsersService.UsersServiceClient;

namespace ECommerce.Users.Benchmarks;

/// <summary>The real Users service on Kestrel (h2c, 127.0.0.1) with a throwaway PostgreSQL and the Kafka dev cluster.</summary>
/// <remarks>Any public type of the service names its assembly; this program has its own Program class.</remarks>
internal sealed class UsersHost : IAsyncDisposable
{
    private readonly WebApplicationFactory<Api.UsersApi> _factory;

    private UsersHost(WebApplicationFactory<Api.UsersApi> factory, GrpcChannel channel)
    {
        _factory = factory;
        Channel = channel;
        Client = new UsersClient(channel);
    }

    public GrpcChannel Channel { get; }
    public UsersClient Client { get; }

    public static async Task<UsersHost> StartAsync(PostgresServer postgres, KafkaDevCluster kafka)
    {
        var database = await postgres.CreateDatabaseAsync("users_bench_" + Guid.NewGuid().ToString("N")[..8]);
        // Outside a test runner the factory cannot guess the service's content root; its files
        // (appsettings.json) are copied next to this program.
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_ECOMMERCE_USERS", AppContext.BaseDirectory);
        var factory = new WebApplicationFactory<Api.UsersApi>().WithWebHostBuilder(host =>
        {
            host.UseSetting("ConnectionStrings:users", database);
            host.UseSetting("ConnectionStrings:kafka", kafka.BootstrapServers);
            host.UseSetting("Logging:LogLevel:Default", "Warning");
        });
        factory.UseKestrel(kestrel => kestrel.ListenGrpcOnLoopback());
        factory.StartServer();
        var channel = GrpcChannel.ForAddress(factory.Services.GetRequiredService<IServer>().GetGrpcAddress());
        return new UsersHost(factory, channel);
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await _factory.DisposeAsync();
    }
}
