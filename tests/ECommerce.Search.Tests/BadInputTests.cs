using ECommerce.Testing;
using ECommerce.Contracts.Common.V1;
using ECommerce.Contracts.Search.V1;
using ECommerce.Search.Api;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;

namespace ECommerce.Search.Tests;

/// <summary>Every RPC with input answers bad input with INVALID_ARGUMENT naming each wrong field.</summary>
public sealed class BadInputTests(SearchServiceHost search)
{
    public static TheoryData<string, string[]> Cases => new()
    {
        { "Search", ["query", "sort", "min_price", "attributes[0].name", "attributes[0].values", "facets[0]", "page.page_size"] },
        { "SearchPriceRange", ["max_price"] },
        { "SearchGarbagePageToken", ["page.page_token"] },
        { "SearchPageTokenOfAnotherSearch", ["page.page_token"] },
        { "Suggest", ["prefix", "limit"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_input_is_invalid_argument_with_field_details(string rpc, string[] expectedFields)
    {
        var client = search.Client;
        Func<Task> call = rpc switch
        {
            "Search" => () => client.SearchAsync(new SearchRequest
            {
                Query = new string('x', 201),
                Sort = (SortOrder)99,
                MinPrice = new Money { CurrencyCode = "euro", Units = 5 },
                Attributes = { new AttributeFilter { Name = "" } },
                Facets = { "" },
                Page = new PageRequest { PageSize = 101 },
            }).ResponseAsync,
            "SearchPriceRange" => () => client.SearchAsync(new SearchRequest
            {
                MinPrice = new Money { CurrencyCode = "EUR", Units = 100 },
                MaxPrice = new Money { CurrencyCode = "EUR", Units = 50 },
            }).ResponseAsync,
            "SearchGarbagePageToken" => () => client.SearchAsync(new SearchRequest { Page = new PageRequest { PageToken = "not a token!" } }).ResponseAsync,
            "SearchPageTokenOfAnotherSearch" => () => client.SearchAsync(new SearchRequest
            {
                Query = "socks",
                Page = new PageRequest { PageToken = search.Services.GetRequiredService<PageToken>().Create(new SearchRequest { Query = "shoes" }, 20) },
            }).ResponseAsync,
            "Suggest" => () => client.SuggestAsync(new SuggestRequest { Prefix = " ", Limit = 21 }).ResponseAsync,
            _ => throw new ArgumentOutOfRangeException(nameof(rpc)),
        };

        await GrpcAssert.InvalidArgumentNamingAsync(call, expectedFields);
    }

    [Fact]
    public void Every_rpc_with_input_has_a_bad_input_case()
    {
        var covered = Cases.Select(row => (string)row.Data.Item1).Select(name => name.StartsWith("Search") ? "Search" : name).ToHashSet();
        // RebuildIndexRequest has no fields, so nothing in it can be wrong.
        var withInput = SearchService.Descriptor.Methods.Where(method => method.InputType.Fields.InDeclarationOrder().Count > 0).Select(method => method.Name);

        Assert.Equal(withInput.Order(), covered.Order());
    }

    [Fact]
    public async Task Control_characters_in_text_are_invalid_argument_naming_each_field()
    {
        await GrpcAssert.InvalidArgumentNamingAsync(() => search.Client.SearchAsync(new SearchRequest
        {
            Query = "socks\u0000", Attributes = { new AttributeFilter { Name = "colour", Values = { "red", "\u0000" } } },
        }).ResponseAsync, ["query", "attributes[0].values[1]"]);
        await GrpcAssert.InvalidArgumentNamingAsync(() => search.Client.SuggestAsync(new SuggestRequest { Prefix = "so\u0000" }).ResponseAsync, ["prefix"]);
    }
}
