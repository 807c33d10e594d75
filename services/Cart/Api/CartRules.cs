using System.Text.RegularExpressions;
using ECommerce.Cart.Carts;
using ECommerce.Grpc;

namespace ECommerce.Cart.Api;

/// <summary>What a well-formed cart request looks like, before anyone's cart is touched.</summary>
internal static partial class CartRules
{
    public static FieldViolations CheckCartId(this FieldViolations violations, string cartId, bool allowGuest = true) =>
        violations.Check(cartId == CartAccess.Me || Guid.TryParse(cartId, out _) || (allowGuest && cartId == CartOwner.GuestCartId), "cart_id",
            allowGuest ? "must be a user id, \"me\" or \"guest\"" : "must be a user id or \"me\"");

    /// <summary>The catalog's SKU format: 1 to 64 letters, digits, '-', '_' or '.', starting with a letter or digit.</summary>
    public static FieldViolations CheckSku(this FieldViolations violations, string sku) =>
        violations.Check(Sku().IsMatch(sku), "sku", "must be a SKU: 1 to 64 letters, digits, '-', '_' or '.', starting with a letter or digit");

    public static FieldViolations CheckQuantity(this FieldViolations violations, long quantity, CartOptions options, bool allowZero) =>
        violations.Check(quantity >= (allowZero ? 0 : 1) && quantity <= options.MaxQuantityPerLine, "quantity",
            $"must be {(allowZero ? 0 : 1)} to {options.MaxQuantityPerLine}{(allowZero ? " (0 removes the line)" : "")}");

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex Sku();
}
