using System.Net.Http.Headers;
using System.Text;
using ECommerce.ServiceDefaults.Authentication;

namespace ECommerce.Users.ServiceAccounts;

/// <summary>
/// The OAuth 2.0 token endpoint for the client-credentials grant (RFC 6749 §4.4): a service authenticates
/// with its client id and secret (HTTP Basic or form fields) and gets a short-lived service token.
/// Asking for a scope not granted is refused rather than silently narrowed, so a misconfiguration shows at once.
/// </summary>
internal static class TokenEndpoint
{
    public static IEndpointRouteBuilder MapServiceTokenEndpoint(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(AccessTokens.TokenPath, IssueAsync).DisableAntiforgery();
        return endpoints;
    }

    private static async Task<IResult> IssueAsync(HttpRequest request, ServiceClients clients, ServiceTokenIssuer issuer, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType)
        {
            return Error(StatusCodes.Status400BadRequest, "invalid_request", "The request must be application/x-www-form-urlencoded.");
        }
        var form = await request.ReadFormAsync(cancellationToken);
        if (form["grant_type"] != "client_credentials")
        {
            return Error(StatusCodes.Status400BadRequest, "unsupported_grant_type", "Only client_credentials is supported.");
        }
        var (clientId, secret) = ClientCredentials(request, form);
        var granted = clientId is null || secret is null ? null : clients.Authenticate(clientId, secret);
        if (granted is null)
        {
            loggers.CreateLogger(typeof(TokenEndpoint)).LogWarning("Refused a service token to client {ClientId}: unknown client or wrong secret", clientId);
            // RFC 6749 §5.2: a 401 names the authentication scheme the client should use.
            request.HttpContext.Response.Headers.WWWAuthenticate = $"Basic realm=\"{AccessTokens.Issuer}\"";
            return Error(StatusCodes.Status401Unauthorized, "invalid_client", "Unknown client or wrong secret.");
        }
        var asked = ((string?)form["scope"] ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (asked.FirstOrDefault(scope => !granted.Contains(scope)) is { } notGranted)
        {
            return Error(StatusCodes.Status400BadRequest, "invalid_scope", $"Scope '{notGranted}' is not granted to {clientId}.");
        }
        var scopes = asked.Length > 0 ? asked.ToHashSet(StringComparer.Ordinal) : granted;
        var token = await issuer.IssueAsync(clientId!, scopes, cancellationToken);
        return Results.Json(new Dictionary<string, object>
        {
            ["access_token"] = token,
            ["token_type"] = "Bearer",
            ["expires_in"] = (int)ServiceTokenIssuer.Lifetime.TotalSeconds,
            ["scope"] = string.Join(' ', scopes.Order(StringComparer.Ordinal)),
        });
    }

    private static (string? ClientId, string? Secret) ClientCredentials(HttpRequest request, IFormCollection form)
    {
        if (AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header) && header.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var pair = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter ?? ""));
                var colon = pair.IndexOf(':', StringComparison.Ordinal);
                // RFC 6749 §2.3.1: both parts are form-urlencoded before they are joined.
                return colon < 0 ? (null, null) : (Uri.UnescapeDataString(pair[..colon].Replace('+', ' ')), Uri.UnescapeDataString(pair[(colon + 1)..].Replace('+', ' ')));
            }
            catch (FormatException)
            {
                return (null, null);
            }
        }
        return (form["client_id"], form["client_secret"]);
    }

    private static IResult Error(int status, string error, string description) =>
        Results.Json(new Dictionary<string, string> { ["error"] = error, ["error_description"] = description }, statusCode: status);
}
