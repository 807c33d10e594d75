using Aspire.Hosting.ApplicationModel;

namespace ECommerce.AppHost.Services;

/// <summary>
/// Service identity (issue 16): a service that calls others under its own name gets a client secret from a
/// secret parameter (<c>&lt;service&gt;-client-secret</c>, generated on first run and kept in the AppHost's
/// user secrets, never in the repository), and Users learns the same secret with the scopes granted.
/// </summary>
public static class ServiceIdentityExtensions
{
    /// <example><c>orders.WithServiceIdentity(users, "inventory", "payments", "shipping")</c></example>
    public static IResourceBuilder<ProjectResource> WithServiceIdentity(this IResourceBuilder<ProjectResource> service,
        IResourceBuilder<ProjectResource> users, params string[] scopes)
    {
        var name = service.Resource.Name;
        var secret = service.ApplicationBuilder.AddParameter($"{name}-client-secret",
            new GenerateParameterDefault { MinLength = 43, Special = false }, secret: true, persist: true);
        service.WithSetting("ServiceIdentity__ClientId", name).WithSetting("ServiceIdentity__ClientSecret", ReferenceExpression.Create($"{secret}"));
        users.WithSetting($"Users__ServiceClients__{name}__Secret", ReferenceExpression.Create($"{secret}"));
        for (var i = 0; i < scopes.Length; i++)
        {
            users.WithSetting($"Users__ServiceClients__{name}__Scopes__{i}", scopes[i]);
        }
        return service;
    }
}
