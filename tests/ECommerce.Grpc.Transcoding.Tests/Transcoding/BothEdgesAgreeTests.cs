using System.Net;
using System.Text.Json.Nodes;
using ECommerce.Grpc.Transcoding.Tests.Hosting;

namespace ECommerce.Grpc.Transcoding.Tests.Transcoding;

/// <summary>
/// The gateway must be indistinguishable from the service's own REST routes: same status codes and the same
/// JSON (compared as JSON, so only insignificant whitespace may differ).
/// </summary>
public sealed class BothEdgesAgreeTests(BookstoreHosts hosts)
{
    public static TheoryData<string, string, string?> Requests => new()
    {
        { "GET", "/v1/shelves/s1", null },
        { "GET", "/v1/stores/st/shelves/s1", null },
        { "GET", "/v1/shelves/s1/theme", null },
        { "GET", "/v1/shelves/1/books/2", null },
        { "GET", "/v1/shelves/1/books?pageSize=5&authors=a&authors=b&filter.genre=GENRE_FICTION&filter.min_price=2.5&genres=1&minPages=12", null },
        { "GET", "/v1/shelves/1/books?filter.publishedAfter=2020-01-01T00:00:00.500Z", null },
        { "POST", "/v1/shelves/1/books?requestId=r1", """{"title":"T","pageCount":3,"price":0}""" },
        { "POST", "/v1/shelves/1/books", """{"title":"T","unknownField":{"x":[1,{}]},"labels":{"a":"b"}}""" },
        { "PATCH", "/v1/shelves/1/books/2?updateMask=title,authors", """{"title":"New"}""" },
        { "PUT", "/v1/shelves/9/books/8", """{"book":{"title":"R","genre":2},"bookId":"ignored"}""" },
        { "PUT", "/v1/shelves/9/books/8", "{}" },
        { "DELETE", "/v1/shelves/1/books/2", null },
        { "DELETE", "/v1/shelves/1/books/missing", null },
        { "POST", "/v1/shelves/1/books/2:archive", """{"reason":"old","name":"ignored"}""" },
        { "GET", "/v1/files/a/b/c.txt", null },
        { "GET", "/v1/files/", null },
        { "GET", "/v1/failures/9", null },
        { "GET", "/v1/failures/9?includeUnknownDetail=true", null },
        { "GET", "/v1/shelves/1/books:stream?count=3", null },
        { "GET", "/v1/shelves/1/books:stream?count=0", null },
        { "GET", "/v1/shelves/1/books:stream?count=-1", null },
        { "GET", "/v1/shelves/1/books:stream?count=2&failAtEnd=true", null },
        { "GET", "/v1/nothing/here", null },
        { "POST", "/v1/shelves/1/books/2", "{}" },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task SameRequest_GivesTheSameStatusAndJson(string method, string path, string? body)
    {
        var inProcess = await hosts.InProcessRest.SendAsync(method, path, body);
        var gateway = await hosts.GatewayRest.SendAsync(method, path, body);

        Assert.Equal(inProcess.Status, gateway.Status);
        Assert.Equal(inProcess.ContentType, gateway.ContentType);
        var inProcessLines = JsonLines(inProcess.Body);
        var gatewayLines = JsonLines(gateway.Body);
        Assert.Equal(inProcessLines.Count, gatewayLines.Count);
        for (var line = 0; line < inProcessLines.Count; line++)
        {
            Assert.True(JsonNode.DeepEquals(inProcessLines[line], gatewayLines[line]),
                $"line {line} differs:\nin-process: {inProcessLines[line]?.ToJsonString()}\ngateway:    {gatewayLines[line]?.ToJsonString()}");
        }
    }

    [Theory]
    [InlineData("GET", "/v1/shelves/1/books/2", null)]
    [InlineData("GET", "/v1/shelves/1/books?pageSize=5&authors=a%20b", null)]
    [InlineData("GET", "/v1/shelves/1/books:stream?count=2&failAtEnd=true", null)]
    [InlineData("GET", "/v1/failures/5", null)]
    [InlineData("POST", "/v1/shelves/1/books", """{"title":"spaces  and \"quotes\"","labels":{"k":" v "}}""")]
    public async Task PlainContent_IsByteForByteTheSame(string method, string path, string? body)
    {
        var inProcess = await hosts.InProcessRest.SendAsync(method, path, body);
        var gateway = await hosts.GatewayRest.SendAsync(method, path, body);

        Assert.Equal(inProcess.Body, gateway.Body);
    }

    public static TheoryData<string, string, string?, string> InvalidInput => new()
    {
        { "POST", "/v1/shelves/1/books", """{"title":""", "open JSON object" },
        { "POST", "/v1/shelves/1/books", "not json", "invalid JSON literal" },
        { "POST", "/v1/shelves/1/books", "", "empty" },
        { "POST", "/v1/shelves/1/books", "[1,2]", "Expected an object" },
        { "POST", "/v1/shelves/1/books", """{"title":5}""", "String" },
        { "POST", "/v1/shelves/1/books", """{"pageCount":"x"}""", "Invalid numeric value" },
        { "POST", "/v1/shelves/1/books", """{"genre":"NOPE"}""", "NOPE" },
        { "POST", "/v1/shelves/1/books", """{"publishedAt":"yesterday"}""", "Timestamp" },
        { "POST", "/v1/shelves/1/books", """{"title":"T"}x""", "after a single JSON value" },
        { "POST", "/v1/shelves/1/books", "null", "null" },
        { "POST", "/v1/shelves/1/books/2:archive", "[]", "must be a JSON object" },
        { "PUT", "/v1/shelves/1/books/2", null, "Content-Type" },
        { "GET", "/v1/shelves/1/books?pageSize=abc", null, "page_size" },
        { "GET", "/v1/shelves/1/books?pageSize=1&pageSize=2", null, "takes one value" },
        { "GET", "/v1/shelves/1/books?genres=NOPE", null, "NOPE" },
        { "GET", "/v1/shelves/1/books?includeArchived=yes", null, "include_archived" },
        { "GET", "/v1/shelves/1/books?filter=abc", null, "filter" },
        { "GET", "/v1/shelves/1/books?filter.publishedAfter=2020-13-45", null, "published_after" },
    };

    [Theory]
    [MemberData(nameof(InvalidInput))]
    public async Task InvalidBodyOrQuery_Is400_WithTheSameMessageSayingWhatWasWrong(string method, string path, string? body, string explanation)
    {
        var inProcess = await hosts.InProcessRest.SendAsync(method, path, body);
        var gateway = await hosts.GatewayRest.SendAsync(method, path, body);

        Assert.Equal(HttpStatusCode.BadRequest, gateway.Status);
        Assert.Equal(3, (int)gateway.Json["code"]!);
        Assert.Contains(explanation, gateway.ErrorMessage, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(gateway.Status, inProcess.Status);
        Assert.Equal(gateway.Body, inProcess.Body);
    }

    [Fact]
    public async Task InvalidPathVariable_Is400OnBothEdges()
    {
        var inProcess = await hosts.InProcessRest.SendAsync("GET", "/v1/failures/not-a-number");
        var gateway = await hosts.GatewayRest.SendAsync("GET", "/v1/failures/not-a-number");

        Assert.Equal(HttpStatusCode.BadRequest, inProcess.Status);
        Assert.Equal(HttpStatusCode.BadRequest, gateway.Status);
        Assert.Contains("Path variable 'code'", gateway.ErrorMessage);
    }

    private static List<JsonNode?> JsonLines(string body) =>
        body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonNode.Parse(line)).ToList();
}
