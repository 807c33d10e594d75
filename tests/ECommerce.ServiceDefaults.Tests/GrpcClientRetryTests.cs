using ECommerce.Grpc;
using ECommerce.ServiceDefaults.Resilience;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Health.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ECommerce.ServiceDefaults.Tests;

/// <summary>
/// A mesh client (Grpc.Net.ClientFactory, found through service discovery on a real loopback port) repeats a
/// call that failed with UNAVAILABLE only when its method is declared retry-safe.
/// </summary>
public sealed class GrpcClientRetryTests : IAsyncLifetime
{
    private const string Check = "grpc.health.v1.Health/Check";

    private readonly UnavailableTwice _server = new();
    private WebApplication _app = null!;

    [Fact]
    public async Task A_retry_safe_method_is_repeated_until_it_succeeds()
    {
        await using var client = ClientOf(channel => channel.RetrySafeMethods.Add(Check));

        var health = await client.GetRequiredService<Health.HealthClient>().CheckAsync(new HealthCheckRequest(), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        Assert.Equal(3, _server.Attempts);
    }

    [Fact]
    public async Task A_method_not_declared_retry_safe_is_tried_once()
    {
        await using var client = ClientOf(channel => channel.RetrySafeMethods.Add("grpc.health.v1.Health/Watch"));

        var failed = await Assert.ThrowsAsync<RpcException>(() => client.GetRequiredService<Health.HealthClient>()
            .CheckAsync(new HealthCheckRequest(), cancellationToken: TestContext.Current.CancellationToken).ResponseAsync);

        Assert.Equal(StatusCode.Unavailable, failed.StatusCode);
        Assert.Equal(1, _server.Attempts);
    }

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenGrpcOnLoopback());
        builder.AddServiceDefaults();
        builder.Services.AddSingleton(_server);
        builder.Services.AddECommerceGrpc(grpc => grpc.Interceptors.Add<UnavailableTwice>());
        _app = builder.Build();
        _app.MapDefaultEndpoints();
        await _app.StartAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    /// <summary>A service's container with a client of "catalog", addressed the way the AppHost passes it.</summary>
    private ServiceProvider ClientOf(Action<ECommerceGrpcClientOptions> configure) =>
        new ServiceCollection()
            .AddLogging()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder()
                .AddInMemoryCollection([KeyValuePair.Create("services:catalog:grpc:0", (string?)_app.Services.GetRequiredService<IServer>().GetGrpcAddress().ToString())])
                .Build())
            .AddResilientGrpcClient<Health.HealthClient>("catalog", configure)
            .BuildServiceProvider();

    /// <summary>Answers UNAVAILABLE to the first two calls, like a replica that is restarting, then serves.</summary>
    private sealed class UnavailableTwice : Interceptor
    {
        private int _attempts;

        public int Attempts => _attempts;

        public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
            UnaryServerMethod<TRequest, TResponse> continuation) =>
            Interlocked.Increment(ref _attempts) <= 2
                ? throw new RpcException(new Status(StatusCode.Unavailable, "restarting"))
                : continuation(request, context);
    }
}
