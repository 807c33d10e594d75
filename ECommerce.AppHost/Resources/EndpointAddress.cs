using ECommerce.LocalInfrastructure.Processes;

namespace ECommerce.AppHost.Resources;

/// <summary>Where one replica's endpoint listens in this run.</summary>
public sealed record EndpointAddress(EndpointDefinition Definition, int Port)
{
    public string Name => Definition.Name;

    public string Url => $"http://{Loopback.Host}:{Port}";

    internal static EndpointAddress Allocate(EndpointDefinition definition) =>
        new(definition, definition.Port == 0 ? Loopback.FreePort() : definition.Port);
}
