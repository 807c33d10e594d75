using ECommerce.Contracts.Search.V1;
using ECommerce.Testing;
using Grpc.Core;

namespace ECommerce.Search.Tests;

public sealed class AuthorizationTests(SearchServiceHost search)
{
    [Fact]
    public async Task Anonymous_callers_cannot_rebuild_the_index()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => search.Client.RebuildIndexAsync(new RebuildIndexRequest()).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    [Fact]
    public async Task Customers_cannot_rebuild_the_index()
    {
        var customer = UsersForTests.Bearer(await search.Users.CustomerTokenAsync());

        var error = await Assert.ThrowsAsync<RpcException>(() => search.Client.RebuildIndexAsync(new RebuildIndexRequest(), customer).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    [Fact]
    public async Task Anyone_may_search_and_get_suggestions()
    {
        var results = await search.Client.SearchAsync(new SearchRequest { Query = "anything" });
        var suggestions = await search.Client.SuggestAsync(new SuggestRequest { Prefix = "any" });

        Assert.NotNull(results.Page);
        Assert.NotNull(suggestions);
    }
}
