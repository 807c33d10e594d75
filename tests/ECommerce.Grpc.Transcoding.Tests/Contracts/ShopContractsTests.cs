using System.Reflection;
using ECommerce.Contracts.Catalog.V1;
using ECommerce.Grpc.Transcoding.Bindings;
using ECommerce.Grpc.Transcoding.Gateway;
using ECommerce.Grpc.Transcoding.OpenApi;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.OpenApi;

namespace ECommerce.Grpc.Transcoding.Tests.Contracts;

/// <summary>
/// The shop's own contracts in protos/, as the REST gateway will serve them: every annotated rpc must become a
/// route without conflicts, and the OpenAPI document of all of them must be valid.
/// </summary>
public sealed class ShopContractsTests
{
    // Every generated file descriptor in the contracts assembly, so a new contract is covered without touching this test.
    private static readonly FileDescriptor[] ShopContracts = typeof(CatalogReflection).Assembly.GetTypes()
        .Select(type => type.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static))
        .Where(property => property?.PropertyType == typeof(FileDescriptor))
        .Select(property => (FileDescriptor)property!.GetValue(null)!)
        .ToArray();

    [Fact]
    public async Task EveryAnnotatedRpc_MapsToAGatewayRoute_WithoutConflicts()
    {
        var bindings = HttpBinding.ForFiles(ShopContracts);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddGrpcGateway();
        await using var app = builder.Build();

        app.MapGrpcGateway(new UnusedCallInvoker(), ShopContracts);

        Assert.True(bindings.Count >= 20, $"only {bindings.Count} REST bindings found in {ShopContracts.Length} contract files");
        var routes = ((IEndpointRouteBuilder)app).DataSources.SelectMany(source => source.Endpoints).OfType<RouteEndpoint>().ToList();
        Assert.Equal(bindings.Count, routes.Count);
        Assert.Contains(routes, route => route.RoutePattern.RawText == "/v1/products/{p2}");
    }

    [Fact]
    public void OpenApiDocumentOfAllContracts_ValidatesCleanly()
    {
        var json = OpenApiDocumentBuilder.Build(HttpBinding.ForFiles(ShopContracts), "ECommerce", "v1").ToJsonString();

        var read = OpenApiDocument.Parse(json, "json");

        Assert.Empty(read.Diagnostic!.Errors);
        var document = read.Document!;
        Assert.Empty(document.Validate(ValidationRuleSet.GetDefaultRuleSet())!);
        Assert.Contains("/v1/products/{product_id}", document.Paths.Keys);
    }

    /// <summary>Mapping routes never calls the remote service; any call here would be a bug in the test.</summary>
    private sealed class UnusedCallInvoker : CallInvoker
    {
        public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) => throw new NotSupportedException();
        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) => throw new NotSupportedException();
        public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) => throw new NotSupportedException();
        public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) => throw new NotSupportedException();
        public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) => throw new NotSupportedException();
    }
}
