using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace ECommerce.Cart.Carts;

/// <summary>
/// Opaque guest-cart tokens: 256 random bits, the cart's only key. Redis keeps the token's SHA-256, so
/// whoever reads Redis cannot use a guest cart.
/// </summary>
internal sealed class GuestTokens
{
    public const string HeaderName = "x-cart-token";
    private const string Prefix = "gc_";
    private const int RandomBytes = 32;

    public static string NewToken() => Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(RandomBytes));

    /// <summary>The storage id of a token's cart, or null when the text cannot be a token this service issued.</summary>
    public static string? HashOf(string? token)
    {
        if (token is null || !token.StartsWith(Prefix, StringComparison.Ordinal) || token.Length != Prefix.Length + 43
            || !Base64Url.IsValid(token.AsSpan(Prefix.Length)))
        {
            return null;
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(token)));
    }
}
