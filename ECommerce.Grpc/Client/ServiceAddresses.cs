using Microsoft.Extensions.Configuration;

namespace ECommerce.Grpc;

/// <summary>
/// Reads a logical service's addresses the way .NET Aspire publishes them:
/// <c>services:&lt;service&gt;:&lt;endpoint&gt;:&lt;index&gt;</c>, i.e. the environment variable
/// <c>services__catalog__grpc__0=http://127.0.0.1:5001</c>.
/// </summary>
public static class ServiceAddresses
{
    private static readonly string[] DefaultEndpointNames = ["grpc", "https", "http"];

    /// <summary>The service's addresses in index order; throws when none is configured.</summary>
    public static IReadOnlyList<Uri> Resolve(IConfiguration configuration, string serviceName, string? endpointName = null)
    {
        var endpointNames = endpointName is null ? DefaultEndpointNames : [endpointName];
        foreach (var name in endpointNames)
        {
            var addresses = configuration.GetSection($"services:{serviceName}:{name}").GetChildren()
                .Where(entry => !string.IsNullOrWhiteSpace(entry.Value))
                .OrderBy(entry => int.TryParse(entry.Key, out var index) ? index : int.MaxValue)
                .Select(entry => new Uri(entry.Value!, UriKind.Absolute))
                .ToList();
            if (addresses.Count > 0)
            {
                return addresses;
            }
        }

        var tried = string.Join(", ", endpointNames.Select(name => $"services__{serviceName}__{name}__0"));
        throw new InvalidOperationException($"No address is configured for gRPC service '{serviceName}'. Set one of: {tried}.");
    }
}
