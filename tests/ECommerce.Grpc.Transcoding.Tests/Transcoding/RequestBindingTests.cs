using System.Net;
using ECommerce.Grpc.Transcoding.Tests.Hosting;

namespace ECommerce.Grpc.Transcoding.Tests.Transcoding;

/// <summary>How each part of a REST request lands in the gRPC request, checked on both edges.</summary>
public sealed class RequestBindingTests(BookstoreHosts hosts)
{
    [Theory, BothEdges]
    public async Task MultiSegmentPathVariable_BindsTheWholeResourceName_AndResponseFollowsProto3Json(RestEdge edge)
    {
        var answer = await hosts.Rest(edge).SendAsync("GET", "/v1/shelves/7/books/42");

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal("application/json", answer.ContentType);
        var book = answer.Json;
        Assert.Equal("shelves/7/books/42", (string)book["name"]!);
        Assert.Equal("9007199254740993", (string)book["pageCount"]!);
        Assert.Equal("2021-03-04T05:06:07Z", (string)book["publishedAt"]!);
        Assert.Equal(12.5, (double)book["price"]!);
        Assert.Equal("GENRE_SCIENCE", (string)book["genre"]!);
        Assert.False((bool)book["archived"]!);
        Assert.Equal("first", (string)book["labels"]!["edition"]!);
    }

    [Theory, BothEdges]
    public async Task QueryParameters_BindScalarsRepeatedNestedEnumsAndWellKnownTypes(RestEdge edge)
    {
        var answer = await hosts.Rest(edge).SendAsync("GET",
            "/v1/shelves/3/books?pageSize=5&authors=Ada&authors=Grace&filter.genre=GENRE_FICTION&filter.minPrice=2.5"
            + "&filter.published_after=2020-01-02T03:04:05Z&genres=1&genres=GENRE_HISTORY&include_archived=true&minPages=12&utm_source=ignored");

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        var received = answer.Json["received"]!;
        Assert.Equal("shelves/3", (string)received["parent"]!);
        Assert.Equal(5, (int)received["pageSize"]!);
        Assert.Equal(["Ada", "Grace"], received["authors"]!.AsArray().Select(author => (string)author!));
        Assert.Equal("GENRE_FICTION", (string)received["filter"]!["genre"]!);
        Assert.Equal(2.5, (double)received["filter"]!["minPrice"]!);
        Assert.Equal("2020-01-02T03:04:05Z", (string)received["filter"]!["publishedAfter"]!);
        Assert.Equal(["GENRE_FICTION", "GENRE_HISTORY"], received["genres"]!.AsArray().Select(genre => (string)genre!));
        Assert.True((bool)received["includeArchived"]!);
        Assert.Equal("12", (string)received["minPages"]!);
    }

    [Theory, BothEdges]
    public async Task ANestedFieldsNameWithoutItsParent_IsA400SayingWhichFieldWasMeant(RestEdge edge)
    {
        var answer = await hosts.Rest(edge).SendAsync("GET", "/v1/shelves/3/books?minPrice=2.5");

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal("Query parameter 'minPrice' is not a field of ecommerce.transcoding.tests.v1.ListBooksRequest; did you mean 'filter.minPrice'?",
            (string)answer.Json["message"]!);
    }

    [Theory, BothEdges]
    public async Task PathVariable_WinsOverTheSameFieldInTheQuery(RestEdge edge)
    {
        var answer = await hosts.Rest(edge).SendAsync("GET", "/v1/shelves/3/books?parent=shelves/other");

        Assert.Equal("shelves/3", (string)answer.Json["received"]!["parent"]!);
    }

    [Theory, BothEdges]
    public async Task BodyField_FillsThatField_AndOtherFieldsComeFromTheQuery(RestEdge edge)
    {
        var answer = await hosts.Rest(edge).SendAsync("POST", "/v1/shelves/3/books?requestId=r-1",
            """{"title":"Dune","authors":["Herbert"],"genre":"GENRE_FICTION","publishedAt":"1965-08-01T00:00:00Z","price":null,"pageCount":"412","labels":{"cover":"hard"},"unknownField":{"ignored":true}}""");

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        var book = answer.Json;
        Assert.Equal("shelves/3/books/r-1", (string)book["name"]!);
        Assert.Equal("Dune", (string)book["title"]!);
        Assert.Equal("GENRE_FICTION", (string)book["genre"]!);
        Assert.Equal("1965-08-01T00:00:00Z", (string)book["publishedAt"]!);
        Assert.Null(book["price"]);
        Assert.Equal("412", (string)book["pageCount"]!);
        Assert.Equal("hard", (string)book["labels"]!["cover"]!);
    }

    [Theory, BothEdges]
    public async Task NestedPathField_SetsTheFieldInsideTheBodyMessage_AndFieldMaskComesFromTheQuery(RestEdge edge)
    {
        var answer = await hosts.Rest(edge).SendAsync("PATCH", "/v1/shelves/1/books/2?updateMask=title,authors",
            """{"name":"shelves/9/books/9","title":"New title"}""");

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal("shelves/1/books/2", (string)answer.Json["name"]!);
        Assert.Equal("New title", (string)answer.Json["title"]!);
        Assert.Contains("title,authors", (string)answer.Json["labels"]!["update_mask"]!);
    }

    [Theory, BothEdges]
    public async Task BodyStar_IsTheWholeRequest_AndPathVariablesOverrideIt(RestEdge edge)
    {
        var answer = await hosts.Rest(edge).SendAsync("PUT", "/v1/shelves/9/books/8",
            """{"shelf":{"id":"from-body"},"bookId":"from-body","book":{"title":"Replaced"}}""");

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal("shelves/9/books/8", (string)answer.Json["name"]!);
        Assert.Equal("Replaced", (string)answer.Json["title"]!);
    }

    [Theory, BothEdges]
    public async Task CustomVerb_RoutesToItsOwnMethod(RestEdge edge)
    {
        var answer = await hosts.Rest(edge).SendAsync("POST", "/v1/shelves/1/books/2:archive", """{"reason":"worn out"}""");

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.True((bool)answer.Json["archived"]!);
        Assert.Equal("shelves/1/books/2", (string)answer.Json["name"]!);
        Assert.Equal("worn out", (string)answer.Json["labels"]!["reason"]!);
    }

    [Theory, BothEdges]
    public async Task AKeyTwiceInOneObject_IsA400NamingIt_WithoutDotNetsOwnMessage(RestEdge edge)
    {
        var top = await hosts.Rest(edge).SendAsync("POST", "/v1/shelves/1/books/2:archive", """{"reason":"worn out","reason":"lost"}""");
        var nested = await hosts.Rest(edge).SendAsync("PATCH", "/v1/shelves/1/books/2?updateMask=title",
            """{"title":"A","authors":["x"],"filter":{"genre":1},"title2":{"a":[{"b":1},{"b":2,"b":3}]}}""");

        Assert.Equal(HttpStatusCode.BadRequest, top.Status);
        Assert.Equal("The request body names 'reason' more than once; each field may appear once.", (string)top.Json["message"]!);
        Assert.Equal(HttpStatusCode.BadRequest, nested.Status);
        Assert.Equal("The request body names 'title2.a.b' more than once; each field may appear once.", (string)nested.Json["message"]!);
    }

    [Theory, BothEdges]
    public async Task Delete_ReturnsAnEmptyJsonObject(RestEdge edge)
    {
        var answer = await hosts.Rest(edge).SendAsync("DELETE", "/v1/shelves/1/books/2");

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Empty(answer.Json.AsObject());
    }

    [Theory, BothEdges]
    public async Task DoubleWildcard_BindsTheRestOfThePathWithSlashes(RestEdge edge)
    {
        var answer = await hosts.Rest(edge).SendAsync("GET", "/v1/files/docs/2024/report.txt");

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal("docs/2024/report.txt", (string)answer.Json["path"]!);
        Assert.Equal(Convert.ToBase64String("content of docs/2024/report.txt"u8), (string)answer.Json["content"]!);
    }

    [Theory]
    [InlineData(RestEdge.InProcess, "/v1/shelves/s1", "")]
    [InlineData(RestEdge.Gateway, "/v1/shelves/s1", "")]
    [InlineData(RestEdge.InProcess, "/v1/stores/st-9/shelves/s1", "st-9")]
    [InlineData(RestEdge.Gateway, "/v1/stores/st-9/shelves/s1", "st-9")]
    [InlineData(RestEdge.InProcess, "/v1/regions/eu/shelves/s1", "")]
    [InlineData(RestEdge.Gateway, "/v1/regions/eu/shelves/s1", "")]
    public async Task AdditionalBindings_ServeTheSameMethodOnAnotherRoute(RestEdge edge, string path, string expectedStore)
    {
        var answer = await hosts.Rest(edge).SendAsync("GET", path);

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal("s1", (string)answer.Json["shelfId"]!);
        Assert.Equal(expectedStore, (string)answer.Json["storeId"]!);
    }

    [Theory, BothEdges]
    public async Task ResponseBody_WritesOnlyThatField(RestEdge edge)
    {
        var answer = await hosts.Rest(edge).SendAsync("GET", "/v1/shelves/s7/theme");

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal("theme-s7", answer.Json.GetValue<string>());
    }

    [Theory, BothEdges]
    public async Task PercentEncodedPathSegment_IsDecoded(RestEdge edge)
    {
        var answer = await hosts.Rest(edge).SendAsync("GET", "/v1/shelves/caf%C3%A9%20noir");

        Assert.Equal("café noir", (string)answer.Json["shelfId"]!);
    }
}
