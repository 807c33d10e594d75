using Grpc.Core;

namespace ECommerce.Users.Api;

/// <summary>Who is calling, from the validated access token, and whose account they may touch.</summary>
internal static class Caller
{
    public const string Me = "me";

    public static Guid Id(ServerCallContext context) =>
        Guid.TryParse(context.GetHttpContext().User.FindFirst(AccessTokens.SubjectClaim)?.Value, out var id)
            ? id
            : throw new RpcException(new Status(StatusCode.Unauthenticated, "The access token names no user."));

    public static bool IsAdmin(ServerCallContext context) => context.GetHttpContext().User.IsInRole(AccessTokens.AdminRole);

    /// <summary>
    /// The account a request is about: "me" or the caller's own id, or anyone's for an admin.
    /// </summary>
    public static Guid ResolveAccount(ServerCallContext context, string userId)
    {
        var caller = Id(context);
        if (userId == Me)
        {
            return caller;
        }
        if (!Guid.TryParse(userId, out var target))
        {
            throw new FieldViolations().Add("user_id", "must be a user id or \"me\"").ToException();
        }
        if (target != caller && !IsAdmin(context))
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, "You may only access your own account."));
        }
        return target;
    }
}
