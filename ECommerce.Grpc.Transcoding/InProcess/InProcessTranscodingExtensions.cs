using Google.Protobuf.Reflection;
using Grpc.AspNetCore.Server;
using Microsoft.Extensions.DependencyInjection;

namespace ECommerce.Grpc.Transcoding.InProcess;

/// <summary>A service serves REST routes for its own gRPC methods, from their google.api.http annotations.</summary>
public static class InProcessTranscodingExtensions
{
    /// <summary>
    /// Adds Microsoft's gRPC JSON transcoding with the JSON settings the gateway transcoder also uses, so a
    /// REST caller sees the same JSON whether it talks to the service directly or through the gateway.
    /// Failures come back as google.rpc.Status JSON with the HTTP status mapped from the gRPC code; error
    /// details of the google.rpc types and of the given contracts are shown, others left out.
    /// Chain it after the shop's gRPC defaults: <c>services.AddECommerceGrpc().AddECommerceJsonTranscoding()</c>.
    /// </summary>
    public static IGrpcServerBuilder AddECommerceJsonTranscoding(this IGrpcServerBuilder grpc, params IEnumerable<FileDescriptor> contracts)
    {
        var knownTypes = TranscodingJson.TypesOf(contracts);
        grpc.Services.Configure<GrpcServiceOptions>(options => options.Interceptors.Add<UnknownErrorDetailsInterceptor>(knownTypes));
        return grpc.AddJsonTranscoding(options =>
        {
            options.JsonSettings = TranscodingJson.InProcessSettings;
            options.TypeRegistry = knownTypes;
        });
    }

    /// <summary>The same on plain grpc-dotnet defaults, for a service that does not use <c>AddECommerceGrpc</c>.</summary>
    public static IGrpcServerBuilder AddECommerceJsonTranscoding(this IServiceCollection services, params IEnumerable<FileDescriptor> contracts) =>
        services.AddGrpc().AddECommerceJsonTranscoding(contracts);
}
