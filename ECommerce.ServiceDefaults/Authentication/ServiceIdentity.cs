using System.Net.Http.Headers;
using Duende.IdentityModel.Client;
using ECommerce.Grpc;
using ECommerce.ServiceDefaults.Discovery;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ECommerce.ServiceDefaults.Authentication;

/// <summary>
/// This service's own identity for calls to other services: <c>ServiceIdentity:ClientId</c> (its name) and
/// <c>ServiceIdentity:ClientSecret</c>, which the AppHost passes from a secret parameter.
/// </summary>
public sealed class ServiceIdentityOptions
{
    public const string Section = "ServiceIdentity";

    public string ClientId { get; set; } = "";

    public string ClientSecret { get; set; } = "";

    /// <summary>Space-separated; empty asks for every scope the client is granted.</summary>
    public string Scope { get; set; } = "";
}

/// <summary>
/// Fetches a service token from Users' token endpoint (OAuth 2.0 client credentials) and keeps it until a
/// minute before it expires; concurrent callers wait for one fetch.
/// </summary>
public sealed class ServiceTokens(IHttpClientFactory http, ServiceIdentityOptions options, TimeProvider clock)
{
    public const string HttpClientName = "service-token";
    private static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(1);

    private readonly SemaphoreSlim _fetch = new(1, 1);
    private (string Token, DateTimeOffset RenewAt)? _current;

    public async Task<string> GetAsync(CancellationToken cancellationToken)
    {
        if (_current is { } held && clock.GetUtcNow() < held.RenewAt)
        {
            return held.Token;
        }
        await _fetch.WaitAsync(cancellationToken);
        try
        {
            if (_current is { } fetched && clock.GetUtcNow() < fetched.RenewAt)
            {
                return fetched.Token;
            }
            if (string.IsNullOrEmpty(options.ClientId) || string.IsNullOrEmpty(options.ClientSecret))
            {
                throw new InvalidOperationException("ServiceIdentity:ClientId and ServiceIdentity:ClientSecret are not set (the AppHost sets them).");
            }
            var response = await http.CreateClient(HttpClientName).RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
            {
                Address = new Uri(MeshDiscoveryExtensions.ServiceAddress(AuthenticationExtensions.IssuerService), AccessTokens.TokenPath).ToString(),
                ClientId = options.ClientId,
                ClientSecret = options.ClientSecret,
                Scope = string.IsNullOrWhiteSpace(options.Scope) ? null : options.Scope,
            }, cancellationToken);
            if (response.IsError || response.AccessToken is null)
            {
                throw new InvalidOperationException($"Users refused a service token to '{options.ClientId}': {response.Error} {response.ErrorDescription}");
            }
            var token = response.AccessToken;
            _current = (token, clock.GetUtcNow() + TimeSpan.FromSeconds(response.ExpiresIn) - RenewBefore);
            return token;
        }
        finally
        {
            _fetch.Release();
        }
    }
}

/// <summary>Puts this service's token on every outgoing call of the HttpClient (gRPC clients included) it is added to.</summary>
public sealed class ServiceTokenHandler(ServiceTokens tokens) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await tokens.GetAsync(cancellationToken));
        return await base.SendAsync(request, cancellationToken);
    }
}

public static class ServiceIdentityExtensions
{
    /// <summary>Registers <see cref="ServiceTokens"/> from configuration; <c>AddServiceGrpcClient</c> puts its token on a client's calls.</summary>
    public static IServiceCollection AddServiceIdentity(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(descriptor => descriptor.ServiceType == typeof(ServiceTokens)))
        {
            return services;
        }
        services.AddMeshServiceDiscovery();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(configuration.GetSection(ServiceIdentityOptions.Section).Get<ServiceIdentityOptions>() ?? new ServiceIdentityOptions());
        services.AddSingleton<ServiceTokens>();
        services.AddTransient<ServiceTokenHandler>();
        services.AddHttpClient(ServiceTokens.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(provider => MeshDiscoveryExtensions.CreateMeshHandler(provider, new ECommerceGrpcClientOptions()))
            .AddHttpMessageHandler(() => new AuthenticationExtensions.Http2PriorKnowledge())
            // Asking for a token again is harmless: a retry at worst issues a second one.
            .AddStandardResilienceHandler();
        return services;
    }
}
