using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using ECommerce.Contracts.Search.V1;
using Google.Protobuf;

namespace ECommerce.Search.Api;

/// <summary>
/// Opaque page tokens: the offset of the next page and a fingerprint of the search it belongs to,
/// so a token cannot be replayed against a different search or tampered with unnoticed.
/// </summary>
internal static class PageToken
{
    public static string Create(SearchRequest request, int offset) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{offset}.{Fingerprint(request)}"));

    /// <returns>The offset, or null when the token is not one this service issued for this search.</returns>
    public static int? TryReadOffset(SearchRequest request, string token)
    {
        if (!Base64Url.IsValid(token))
        {
            return null;
        }
        var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token)).Split('.');
        return parts.Length == 2 && int.TryParse(parts[0], out var offset) && offset > 0 && parts[1] == Fingerprint(request)
            ? offset
            : null;
    }

    private static string Fingerprint(SearchRequest request)
    {
        var withoutPage = request.Clone();
        withoutPage.Page = null;
        return Convert.ToHexString(SHA256.HashData(withoutPage.ToByteArray()), 0, 8);
    }
}
