using System.Diagnostics.CodeAnalysis;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ECommerce.Grpc;

/// <summary>The client half of the conventions.</summary>
public static class GrpcClientExtensions
{
    /// <summary>
    /// Registers a generated client (e.g. <c>Catalog.CatalogClient</c>) that calls the logical service
    /// <paramref name="serviceName"/> at the addresses in <c>services:&lt;service&gt;:&lt;endpoint&gt;:&lt;index&gt;</c>.
    /// All clients of one service share one channel; <paramref name="configure"/> adjusts that channel.
    /// Deadlines, cancellation and metadata are passed per call, as grpc-dotnet does.
    /// </summary>
    public static IServiceCollection AddECommerceGrpcClient<
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TClient>(
        this IServiceCollection services, string serviceName, Action<ECommerceGrpcClientOptions>? configure = null)
        where TClient : ClientBase<TClient>
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceName);
        var options = services.AddOptions<ECommerceGrpcClientOptions>(serviceName);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.AddMetrics();
        services.TryAddSingleton<ClientCallTelemetryInterceptor>();
        services.TryAddSingleton<GrpcChannelFactory>();
        services.TryAddTransient(provider =>
        {
            var channel = provider.GetRequiredService<GrpcChannelFactory>().GetChannel(serviceName);
            var callInvoker = channel.Intercept(provider.GetRequiredService<ClientCallTelemetryInterceptor>());
            return (TClient)Activator.CreateInstance(typeof(TClient), callInvoker)!;
        });
        return services;
    }
}
