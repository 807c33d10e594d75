using System.Text.Json;
using ECommerce.Grpc.Transcoding.Bindings;
using Google.Protobuf.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ECommerce.Grpc.Transcoding.OpenApi;

public static class OpenApiEndpointExtensions
{
    public const string DefaultPattern = "/openapi/v1.json";

    /// <summary>
    /// Serves the OpenAPI document of the contracts' REST routes. Works for a gateway and for a service using
    /// in-process transcoding alike, since both take their routes from the same annotations.
    /// </summary>
    public static IEndpointConventionBuilder MapTranscodingOpenApi(
        this IEndpointRouteBuilder endpoints, string title, string version, IEnumerable<FileDescriptor> contracts, string pattern = DefaultPattern)
    {
        // Built once: descriptors are fixed for the life of the process.
        var document = OpenApiDocumentBuilder.Build(HttpBinding.ForFiles(contracts), title, version)
            .ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        return endpoints.MapGet(pattern, () => Results.Text(document, "application/json; charset=utf-8"))
            .WithDisplayName("OpenAPI document");
    }
}
