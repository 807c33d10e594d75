namespace ECommerce.Cart.Carts;

/// <summary>Whose cart: a user's (by id) or a guest's (by the hash of its token, never the token itself).</summary>
internal sealed record CartOwner(string CartId, string StorageId, bool IsGuest)
{
    public const string GuestCartId = "guest";

    public static CartOwner User(Guid userId) => new(userId.ToString(), $"u:{userId:N}", IsGuest: false);

    public static CartOwner Guest(string tokenHash) => new(GuestCartId, $"g:{tokenHash}", IsGuest: true);
}
