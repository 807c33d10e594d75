using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using ECommerce.Grpc.Transcoding.Tests.Hosting;

namespace ECommerce.Grpc.Transcoding.Tests.Transcoding;

/// <summary>
/// Thousands of generated malformed bodies and query strings: every answer must be a 4xx (never a 5xx, a
/// crash or a hang), and the edge must still serve a good request afterwards.
/// </summary>
public sealed class MalformedInputFuzzTests(BookstoreHosts hosts)
{
    private const int RequestsPerEdge = 1500;
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(60);

    private static readonly string[] ValidBooks =
    [
        """{"title":"Dune","authors":["Herbert"],"genre":"GENRE_FICTION","publishedAt":"1965-08-01T00:00:00Z","price":9.5,"pageCount":"412","labels":{"a":"b"},"archived":true}""",
        """{"name":"n","title":"T","authors":[],"genre":1,"price":null,"pageCount":3,"labels":{}}""",
    ];

    // Values that are valid JSON but never valid for the named Book field.
    private static readonly (string Field, string[] Values)[] WrongTypedFields =
    [
        ("title", ["5", "true", "{}", "[1]"]),
        ("authors", ["\"x\"", "[1]", "[{}]", "{}"]),
        ("genre", ["\"NOPE\"", "\"genre_science\"", "{}", "[]", "true"]),
        ("publishedAt", ["\"yesterday\"", "\"2021-13-01T00:00:00Z\"", "5", "{}"]),
        ("price", ["\"abc\"", "{}", "[]", "true"]),
        ("pageCount", ["\"x\"", "1.5", "1e400", "{}", "true", "\"99999999999999999999\""]),
        ("labels", ["[]", "\"x\"", "{\"a\":1}", "{\"a\":{}}"]),
        ("archived", ["\"yes\"", "{}", "[]"]),
    ];

    private static readonly (string Parameter, string[] Values)[] WrongQueryValues =
    [
        ("pageSize", ["abc", "1.5", "99999999999", "", "0x10", "%00"]),
        ("genres", ["NOPE", "99x", ""]),
        ("filter.publishedAfter", ["yesterday", "2020-13-45", "1"]),
        ("filter.minPrice", ["x", "--1", "1.2.3"]),
        ("includeArchived", ["maybe", "2", ""]),
        ("minPages", ["1.5", "99999999999999999999", "x"]),
        ("filter", ["abc", "{}"]),
    ];

    [Theory, BothEdges]
    public async Task MalformedRequests_AreAll4xx_AndTheEdgeKeepsServing(RestEdge edge)
    {
        var client = hosts.Rest(edge);
        var random = new Random(20260123 + (int)edge);
        var requests = Enumerable.Range(0, RequestsPerEdge).Select(_ => Generate(random)).ToList();
        var failures = new ConcurrentBag<string>();
        var clock = Stopwatch.StartNew();

        await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (request, _) =>
        {
            var answer = await client.SendAsync(request.Method, request.Path, request.Body);
            if ((int)answer.Status is < 400 or >= 500)
            {
                failures.Add($"{request.Method} {request.Path} {request.Body} -> {(int)answer.Status} {answer.Body}");
            }
        });

        Assert.True(clock.Elapsed < Budget, $"{RequestsPerEdge} malformed requests took {clock.Elapsed}");
        Assert.True(failures.IsEmpty, $"{failures.Count} answers were not 4xx, e.g.:\n{string.Join('\n', failures.Take(10))}");
        var healthy = await client.SendAsync("GET", "/v1/shelves/1/books/2");
        Assert.Equal(HttpStatusCode.OK, healthy.Status);
    }

    private sealed record FuzzRequest(string Method, string Path, string? Body);

    private static FuzzRequest Generate(Random random) => random.Next(7) switch
    {
        0 => Truncated(random),
        1 => WrongTyped(random),
        2 => Garbage(random),
        3 => DeeplyNested(random),
        4 => WrongQuery(random),
        5 => RandomBytesInNumericParameters(random),
        _ => WrongWholeBody(random),
    };

    // Arbitrary bytes, invalid UTF-8 included, percent-encoded into a path variable and a query parameter that
    // both need an integer; a leading 'x' keeps the value from ever being a number.
    private static FuzzRequest RandomBytesInNumericParameters(Random random)
    {
        var bytes = new byte[random.Next(1, 12)];
        random.NextBytes(bytes);
        var encoded = "x" + string.Concat(bytes.Select(value => $"%{value:X2}"));
        return random.Next(2) == 0
            ? new FuzzRequest("GET", $"/v1/failures/{encoded}", null)
            : new FuzzRequest("GET", $"/v1/shelves/1/books?pageSize={encoded}", null);
    }

    // A strict prefix of a JSON object is never complete JSON.
    private static FuzzRequest Truncated(Random random)
    {
        var book = ValidBooks[random.Next(ValidBooks.Length)];
        return new FuzzRequest("POST", "/v1/shelves/1/books", book[..random.Next(book.Length)] is var prefix && prefix.Length > 0 ? prefix : "{");
    }

    private static FuzzRequest WrongTyped(Random random)
    {
        var (field, values) = WrongTypedFields[random.Next(WrongTypedFields.Length)];
        var value = values[random.Next(values.Length)];
        return random.Next(3) switch
        {
            0 => new FuzzRequest("POST", "/v1/shelves/1/books", $$"""{"title":"ok","{{field}}":{{value}}}"""),
            1 => new FuzzRequest("PATCH", "/v1/shelves/1/books/2", $$"""{"{{field}}":{{value}}}"""),
            _ => new FuzzRequest("PUT", "/v1/shelves/1/books/2", $$$"""{"book":{"{{{field}}}":{{{value}}}}}"""),
        };
    }

    // Random characters after an opening brace: a JSON object needs a quoted name or '}', which '{' plus
    // these (no quote, no closing brace) never give.
    private static FuzzRequest Garbage(Random random)
    {
        const string alphabet = "abcXYZ019:,[]-+.eE\\ \t\n\u00e9\u4e2d{";
        var text = new StringBuilder("{");
        for (var length = random.Next(1, 40); length > 0; length--)
        {
            text.Append(alphabet[random.Next(alphabet.Length)]);
        }
        return new FuzzRequest(random.Next(2) == 0 ? "POST" : "PUT", random.Next(2) == 0 ? "/v1/shelves/1/books" : "/v1/shelves/1/books/2", text.ToString());
    }

    private static FuzzRequest DeeplyNested(Random random)
    {
        var depth = random.Next(65, 2000);
        return new FuzzRequest("POST", "/v1/shelves/1/books",
            $$"""{"labels":{{new string('[', depth)}}{{new string(']', depth)}}}""");
    }

    private static FuzzRequest WrongQuery(Random random)
    {
        var (parameter, values) = WrongQueryValues[random.Next(WrongQueryValues.Length)];
        var value = values[random.Next(values.Length)];
        var encoded = value == "%00" ? value : Uri.EscapeDataString(value);
        return new FuzzRequest("GET", $"/v1/shelves/1/books?{parameter}={encoded}&pageSize=1", null);
    }

    private static FuzzRequest WrongWholeBody(Random random) => random.Next(5) switch
    {
        0 => new FuzzRequest("POST", "/v1/shelves/1/books/2:archive", "[]"),
        1 => new FuzzRequest("POST", "/v1/shelves/1/books/2:archive", $"\"{random.Next()}\""),
        2 => new FuzzRequest("POST", "/v1/shelves/1/books/2:archive", """{"reason":7}"""),
        3 => new FuzzRequest("PUT", "/v1/shelves/1/books/2", """{"shelf":"s"}"""),
        _ => new FuzzRequest("POST", "/v1/shelves/1/books", ValidBooks[0] + "}"),
    };
}
