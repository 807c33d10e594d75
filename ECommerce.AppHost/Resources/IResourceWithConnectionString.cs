namespace ECommerce.AppHost.Resources;

/// <summary>Something a service reaches through <c>ConnectionStrings__&lt;ConnectionName&gt;</c>.</summary>
public interface IResourceWithConnectionString
{
    /// <summary>The key under ConnectionStrings, e.g. "catalogdb" for <c>ConnectionStrings__catalogdb</c>.</summary>
    string ConnectionName { get; }

    /// <summary>The resource whose process serves this connection string.</summary>
    Resource Owner { get; }

    /// <summary>Completes once the owner has started for the first time (passwords and ports are known then).</summary>
    Task<string> GetConnectionStringAsync(CancellationToken cancellationToken);
}
