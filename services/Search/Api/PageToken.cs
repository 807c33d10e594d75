using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using ECommerce.Contracts.Search.V1;
using Google.Protobuf;

namespace ECommerce.Search.Api;

/// <summary>
/// Opaque page tokens: the offset of the next page, signed with HMAC-SHA256 over the offset and the search it belongs to,
/// so a token can be neither replayed against a different search nor edited (an unkeyed hash could be recomputed by anyone).
/// The key is <c>Search:PageTokenKey</c> (base64, at least 32 bytes); without one, each process makes its own at start,
/// which is fine for one replica, but replicas behind one address must share a configured key, or a next page fetched
/// from another replica is refused. Offsets stop at <see cref="MaxOffset"/>: deeper pages cost the database more with
/// every page, and no shopper reads that far.
/// </summary>
internal sealed class PageToken
{
    public const string KeySetting = "Search:PageTokenKey";
    public const int MaxOffset = 10_000;
    private const int TagLength = 16;

    private readonly byte[] _key;

    public PageToken(IConfiguration configuration, ILogger<PageToken> logger)
    {
        if (configuration[KeySetting] is { Length: > 0 } configured)
        {
            _key = Convert.FromBase64String(configured);
            if (_key.Length < 32)
            {
                throw new InvalidOperationException($"{KeySetting} must be at least 32 bytes (base64), not {_key.Length}.");
            }
        }
        else
        {
            _key = RandomNumberGenerator.GetBytes(32);
            logger.LogInformation("No {Setting} configured: page tokens are signed with a key made for this process; replicas must share a configured key", KeySetting);
        }
    }

    public string Create(SearchRequest request, int offset)
    {
        var token = new byte[sizeof(int) + TagLength];
        BinaryPrimitives.WriteInt32BigEndian(token, offset);
        Tag(request, offset).CopyTo(token.AsSpan(sizeof(int)));
        return Base64Url.EncodeToString(token);
    }

    /// <returns>The offset, or null when the token is not one this service issued for this search.</returns>
    public int? TryReadOffset(SearchRequest request, string token)
    {
        if (!Base64Url.IsValid(token, out var length) || length != sizeof(int) + TagLength)
        {
            return null;
        }
        var bytes = Base64Url.DecodeFromChars(token);
        var offset = BinaryPrimitives.ReadInt32BigEndian(bytes);
        return offset is > 0 and <= MaxOffset && CryptographicOperations.FixedTimeEquals(bytes.AsSpan(sizeof(int)), Tag(request, offset))
            ? offset
            : null;
    }

    private byte[] Tag(SearchRequest request, int offset)
    {
        var withoutPage = request.Clone();
        withoutPage.Page = null;
        var signed = new byte[sizeof(int) + withoutPage.CalculateSize()];
        BinaryPrimitives.WriteInt32BigEndian(signed, offset);
        withoutPage.WriteTo(signed.AsSpan(sizeof(int)));
        return HMACSHA256.HashData(_key, signed)[..TagLength];
    }
}
