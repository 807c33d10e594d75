using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using ECommerce.Contracts.Common.V1;
using ECommerce.Contracts.Search.V1;
using ECommerce.Search.Api;
using ECommerce.Testing;
using Google.Protobuf;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace ECommerce.Search.Tests;

/// <summary>Page tokens are signed with a key of the service's: nobody else can make one, edit one, or page without end.</summary>
public sealed class PageTokenTests(SearchServiceHost search)
{
    private static readonly SearchRequest Socks = new() { Query = "socks" };

    [Fact]
    public async Task A_token_made_without_the_key_is_refused()
    {
        // What anyone could compute before tokens were signed: the offset and an unkeyed hash of the search.
        var withoutPage = Socks.Clone();
        var unkeyed = Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"40.{Convert.ToHexString(SHA256.HashData(withoutPage.ToByteArray()), 0, 8)}"));

        await GrpcAssert.InvalidArgumentNamingAsync(() => SearchWithTokenAsync(unkeyed), ["page.page_token"]);
    }

    [Fact]
    public async Task A_token_whose_offset_was_edited_is_refused()
    {
        var bytes = Base64Url.DecodeFromChars(Tokens.Create(Socks, 20));
        bytes[3] = 40;

        await GrpcAssert.InvalidArgumentNamingAsync(() => SearchWithTokenAsync(Base64Url.EncodeToString(bytes)), ["page.page_token"]);
    }

    [Fact]
    public async Task Pages_end_at_the_offset_bound_even_with_a_signed_token()
    {
        await SearchWithTokenAsync(Tokens.Create(Socks, PageToken.MaxOffset));

        await GrpcAssert.InvalidArgumentNamingAsync(() => SearchWithTokenAsync(Tokens.Create(Socks, PageToken.MaxOffset + 1)), ["page.page_token"]);
    }

    [Fact]
    public void Replicas_sharing_the_configured_key_read_each_others_tokens_and_others_do_not()
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var replicaA = WithKey(key);
        var replicaB = WithKey(key);
        var unconfigured = WithKey(null);

        var token = replicaA.Create(Socks, 20);

        Assert.Equal(20, replicaB.TryReadOffset(Socks, token));
        Assert.Null(unconfigured.TryReadOffset(Socks, token));
        Assert.Null(replicaB.TryReadOffset(new SearchRequest { Query = "shoes" }, token));
    }

    private PageToken Tokens => search.Services.GetRequiredService<PageToken>();

    private Task<SearchResponse> SearchWithTokenAsync(string token)
    {
        var request = Socks.Clone();
        request.Page = new PageRequest { PageToken = token };
        return search.Client.SearchAsync(request).ResponseAsync;
    }

    private static PageToken WithKey(string? key) => new(
        new ConfigurationBuilder().AddInMemoryCollection(key is null ? [] : [new(PageToken.KeySetting, key)]).Build(),
        NullLogger<PageToken>.Instance);
}
