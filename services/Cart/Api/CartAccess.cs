using ECommerce.Cart.Carts;
using ECommerce.ServiceDefaults.Authentication;
using Grpc.Core;

namespace ECommerce.Cart.Api;

/// <summary>
/// Whose cart a request may touch: a user's cart, its owner's or an admin's access token; a guest cart,
/// its token in the x-cart-token header and nothing else (not even an admin reaches a guest cart without it).
/// </summary>
internal static class CartAccess
{
    public const string Me = "me";

    /// <summary>Call after <see cref="CartRules.CheckCartId"/> has passed.</summary>
    public static CartOwner Resolve(ServerCallContext context, string cartId)
    {
        if (cartId == CartOwner.GuestCartId)
        {
            return Guest(context);
        }
        var caller = CallerId(context) ?? throw new RpcException(new Status(StatusCode.Unauthenticated,
            "A user's cart needs an access token; a visitor who is not signed in uses cart_id \"guest\" with the x-cart-token header."));
        if (cartId == Me)
        {
            return CartOwner.User(caller);
        }
        var owner = Guid.Parse(cartId);
        if (owner != caller && !context.GetHttpContext().User.IsInRole(AccessTokens.AdminRole))
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, "You may only use your own cart."));
        }
        return CartOwner.User(owner);
    }

    /// <summary>The guest cart named by the x-cart-token header.</summary>
    public static CartOwner Guest(ServerCallContext context)
    {
        var token = context.RequestHeaders.GetValue(GuestTokens.HeaderName);
        var hash = GuestTokens.HashOf(token) ?? throw new RpcException(new Status(StatusCode.Unauthenticated, token is null
            ? "A guest cart needs its token in the x-cart-token header (CreateGuestCart issues one)."
            : "The x-cart-token header does not hold a guest cart token."));
        return CartOwner.Guest(hash);
    }

    public static RpcException GuestTokenRefused() => new(new Status(StatusCode.Unauthenticated,
        "This guest cart token is no longer valid: the cart expired or was merged into an account's cart at sign-in."));

    private static Guid? CallerId(ServerCallContext context) =>
        Guid.TryParse(context.GetHttpContext().User.FindFirst(AccessTokens.SubjectClaim)?.Value, out var id) ? id : null;
}
