using System.Runtime.CompilerServices;
using ECommerce.Grpc.Transcoding.Bindings;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ECommerce.Grpc.Transcoding.Gateway;

/// <summary>
/// A gateway serves REST routes for gRPC services that run elsewhere: each google.api.http binding becomes an
/// ASP.NET Core endpoint that forwards the call through a <see cref="CallInvoker"/>.
/// </summary>
public static class GrpcGatewayExtensions
{
    // The routes each app's gateway calls have mapped so far ("GET /v1/shelves/{p2}"), to catch conflicts across calls.
    private static readonly ConditionalWeakTable<IEndpointRouteBuilder, Dictionary<string, HttpBinding>> MappedRoutes = new();

    public static IServiceCollection AddGrpcGateway(this IServiceCollection services, Action<GrpcGatewayOptions>? configure = null)
    {
        var options = services.AddOptions<GrpcGatewayOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }
        return services;
    }

    /// <summary>Maps the REST routes of every service in the contract files to the remote service behind <paramref name="remote"/>.</summary>
    public static IEndpointConventionBuilder MapGrpcGateway(this IEndpointRouteBuilder endpoints, CallInvoker remote, params IEnumerable<FileDescriptor> contracts) =>
        endpoints.MapGrpcGateway(remote, HttpBinding.ForFiles(contracts));

    /// <summary>
    /// Maps the given bindings. Two bindings with the same HTTP method and route shape, in this call or an
    /// earlier one on the same app, are a startup error rather than a request-time ambiguity; otherwise
    /// ASP.NET Core's route precedence decides (a literal segment beats a variable, a variable beats <c>**</c>).
    /// </summary>
    public static IEndpointConventionBuilder MapGrpcGateway(this IEndpointRouteBuilder endpoints, CallInvoker remote, IEnumerable<HttpBinding> bindings)
    {
        var options = endpoints.ServiceProvider.GetService<IOptions<GrpcGatewayOptions>>()?.Value ?? new GrpcGatewayOptions();
        var unforwardable = options.ForwardedHeaders.FirstOrDefault(name =>
            name.EndsWith("-bin", StringComparison.OrdinalIgnoreCase) || name.StartsWith("grpc-", StringComparison.OrdinalIgnoreCase)
            || name.Equals(ClientAddress.MetadataKey, StringComparison.OrdinalIgnoreCase));
        if (unforwardable is not null)
        {
            throw new InvalidOperationException($"GrpcGatewayOptions.ForwardedHeaders: '{unforwardable}' cannot be forwarded; '-bin' and 'grpc-' names are reserved for binary and protocol metadata, and {ClientAddress.MetadataKey} is the edge's own.");
        }

        var transcodable = bindings.Where(binding => !binding.Method.IsClientStreaming).ToList();
        var knownTypes = TranscodingJson.TypesOf(transcodable.Select(binding => binding.Method.File));
        var routes = MappedRoutes.GetOrCreateValue(endpoints);
        var conventions = new List<IEndpointConventionBuilder>();
        foreach (var binding in transcodable)
        {
            var unbindable = binding.PathFields.FirstOrDefault(path => !FieldValueBinder.CanBindFromText(path.Leaf));
            if (unbindable is not null)
            {
                throw new InvalidOperationException($"{binding}: path variable '{unbindable}' is a {FieldValueBinder.Describe(unbindable.Leaf)}, which a URL segment cannot carry.");
            }
            var pattern = binding.Path.ToRoutePattern();
            var routeKey = binding.HttpMethod + " " + pattern.RawText;
            if (!routes.TryAdd(routeKey, binding))
            {
                throw new InvalidOperationException($"REST route conflict: '{binding}' and '{routes[routeKey]}' match the same requests.");
            }
            var endpoint = new GatewayEndpoint(binding, remote, options, knownTypes);
            conventions.Add(endpoints.Map(pattern, endpoint.HandleAsync)
                .WithMetadata(new HttpMethodMetadata([binding.HttpMethod]))
                .WithDisplayName($"REST {binding}"));
        }
        return new CompositeConventionBuilder(conventions);
    }

    /// <summary>Lets a caller apply one convention (authorization, rate limiting, …) to every gateway route.</summary>
    private sealed class CompositeConventionBuilder(IReadOnlyList<IEndpointConventionBuilder> builders) : IEndpointConventionBuilder
    {
        public void Add(Action<EndpointBuilder> convention)
        {
            foreach (var builder in builders)
            {
                builder.Add(convention);
            }
        }

        public void Finally(Action<EndpointBuilder> finallyConvention)
        {
            foreach (var builder in builders)
            {
                builder.Finally(finallyConvention);
            }
        }
    }
}
