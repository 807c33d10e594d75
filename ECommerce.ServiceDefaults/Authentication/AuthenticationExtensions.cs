using System.Net;
using ECommerce.Grpc;
using ECommerce.ServiceDefaults.Discovery;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace ECommerce.ServiceDefaults.Authentication;

public static class AuthenticationExtensions
{
    /// <summary>Where the issuer publishes its OpenID-style metadata, whose <c>jwks_uri</c> names its public keys.</summary>
    public const string MetadataPath = "/.well-known/openid-configuration";

    /// <summary>The service that issues access tokens, found by service discovery (<c>services__users__grpc__0</c>).</summary>
    public const string IssuerService = "users";

    private const string MetadataClient = "access-token-metadata";

    /// <summary>
    /// Token validation for every service but the issuer: JwtBearer reads the issuer's metadata document
    /// at <c>http://_grpc.users/.well-known/openid-configuration</c> (resolved by service discovery) and
    /// the keys its <c>jwks_uri</c> names, caches them, and fetches again when a token names a key not
    /// yet seen (right after a key rotation), at most every <see cref="KeyRefreshInterval"/>.
    /// </summary>
    /// <remarks>
    /// The mesh's endpoints speak cleartext HTTP/2 only (gRPC), so the metadata is fetched with HTTP/2
    /// prior knowledge: the issuer needs no second, HTTP/1.1 endpoint.
    /// </remarks>
    public static IHostApplicationBuilder AddJwtValidation(this IHostApplicationBuilder builder)
    {
        builder.Services.AddMeshServiceDiscovery();
        builder.Services.AddHttpClient(MetadataClient)
            .ConfigurePrimaryHttpMessageHandler(provider => MeshDiscoveryExtensions.CreateMeshHandler(provider, new ECommerceGrpcClientOptions()))
            .AddHttpMessageHandler(() => new Http2PriorKnowledge())
            // Fetching keys is a GET: retrying it is always safe.
            .AddStandardResilienceHandler();
        AddJwtBearer(builder);
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IHttpClientFactory>((options, http) =>
            {
                options.MetadataAddress = new Uri(MeshDiscoveryExtensions.ServiceAddress(IssuerService), MetadataPath).ToString();
                // Inside the mesh, on loopback; a deployment across machines puts TLS in front (https addresses work as they are).
                options.RequireHttpsMetadata = false;
                options.Backchannel = http.CreateClient(MetadataClient);
                options.AutomaticRefreshInterval = KeyCacheDuration;
                options.RefreshInterval = KeyRefreshInterval;
            });
        return builder;
    }

    /// <summary>
    /// Token validation in the issuer itself, with the keys <typeparamref name="TKeys"/> provides from its own store.
    /// </summary>
    public static IHostApplicationBuilder AddJwtValidation<TKeys>(this IHostApplicationBuilder builder)
        where TKeys : class, IConfigurationManager<OpenIdConnectConfiguration>
    {
        builder.Services.AddSingleton<TKeys>();
        AddJwtBearer(builder);
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<TKeys>((options, keys) => options.ConfigurationManager = keys);
        return builder;
    }

    /// <summary>How long fetched keys are used before they are fetched again.</summary>
    public static readonly TimeSpan KeyCacheDuration = TimeSpan.FromMinutes(5);

    /// <summary>The shortest time between two fetches caused by tokens naming an unknown key.</summary>
    public static readonly TimeSpan KeyRefreshInterval = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Validates ES256 access tokens from the <c>authorization: Bearer …</c> metadata of every call,
    /// locally. gRPC methods then use <c>[Authorize]</c> / <c>[Authorize(Roles = AccessTokens.AdminRole)]</c>:
    /// a missing or bad token answers UNAUTHENTICATED, a missing role PERMISSION_DENIED.
    /// </summary>
    private static void AddJwtBearer(IHostApplicationBuilder builder)
    {
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure(options =>
        {
            options.MapInboundClaims = false;
            options.RefreshOnIssuerKeyNotFound = true;
            options.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = AccessTokens.Issuer,
                ValidAudience = AccessTokens.Audience,
                ValidAlgorithms = [AccessTokens.Algorithm],
                NameClaimType = AccessTokens.SubjectClaim,
                RoleClaimType = AccessTokens.RoleClaim,
                ClockSkew = TimeSpan.FromSeconds(30),
            };
        });
        builder.Services.AddAuthorization();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuthorizationHandler, ScopeAuthorizationHandler>());
    }

    /// <summary>Cleartext HTTP/2 without an upgrade (h2c prior knowledge), as gRPC endpoints expect.</summary>
    internal sealed class Http2PriorKnowledge : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Version = HttpVersion.Version20;
            request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
            return base.SendAsync(request, cancellationToken);
        }
    }
}
