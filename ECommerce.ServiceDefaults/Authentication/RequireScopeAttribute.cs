using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;

namespace ECommerce.ServiceDefaults.Authentication;

/// <summary>
/// The caller's token must carry <see cref="Scope"/> (a service token from Users' token endpoint), or, when
/// <see cref="OrRole"/> is set, that role (a user's token). No token answers UNAUTHENTICATED, a token
/// without either PERMISSION_DENIED, as for roles.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class, AllowMultiple = false)]
public sealed class RequireScopeAttribute(string scope) : AuthorizeAttribute, IAuthorizationRequirementData
{
    public string Scope { get; } = scope;

    public string? OrRole { get; init; }

    public IEnumerable<IAuthorizationRequirement> GetRequirements() => [new ScopeRequirement(Scope, OrRole)];
}

public sealed record ScopeRequirement(string Scope, string? OrRole) : IAuthorizationRequirement;

internal sealed class ScopeAuthorizationHandler : AuthorizationHandler<ScopeRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ScopeRequirement requirement)
    {
        if (context.User.HasScope(requirement.Scope) || (requirement.OrRole is { } role && context.User.IsInRole(role)))
        {
            context.Succeed(requirement);
        }
        else
        {
            // The refusal's message (GrpcAuthorizationResults) says what was missing.
            context.Fail(new AuthorizationFailureReason(this, requirement.OrRole is { } orRole
                ? $"This call needs a service token with the '{requirement.Scope}' scope or the '{orRole}' role."
                : $"This call needs a service token with the '{requirement.Scope}' scope."));
        }
        return Task.CompletedTask;
    }
}

public static class ServiceCallerExtensions
{
    public static bool HasScope(this ClaimsPrincipal user, string scope) =>
        user.FindAll(AccessTokens.ScopeClaim).Any(claim => claim.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(scope, StringComparer.Ordinal));

    /// <summary>The calling service's name when the token is a service token, else null.</summary>
    public static string? ServiceName(this ClaimsPrincipal user) =>
        user.FindFirst(AccessTokens.SubjectClaim)?.Value is { } subject && subject.StartsWith(AccessTokens.ServiceSubjectPrefix, StringComparison.Ordinal)
            ? subject[AccessTokens.ServiceSubjectPrefix.Length..]
            : null;
}
