namespace ECommerce.Gateway.Tests;

/// <summary>
/// Requests the edge cannot read are refused with google.rpc.Status JSON, never ASP.NET's developer exception page,
/// which would send back the exception, our source files and lines, and the caller's headers, bearer token included.
/// </summary>
public sealed class ErrorAnswerTests(GatewayHost gateway)
{
    private const string Token = "Bearer eyJhbGciOiJFUzI1NiJ9.secret-token-of-the-caller.sig";

    [Fact]
    public async Task MalformedChunkedBody_IsAJson400_WithoutHeadersOrStackTrace()
    {
        var answer = await gateway.SendRawAsync($"""
            POST /v1/auth:logout HTTP/1.1
            Host: localhost
            Authorization: {Token}
            Content-Type: application/json
            Transfer-Encoding: chunked

            """, "zz\r\n{}\r\n0\r\n\r\n", TestContext.Current.CancellationToken);

        Assert.StartsWith("HTTP/1.1 400", answer);
        AssertJsonStatusWithoutInternals(answer, code: 3);
    }

    [Fact]
    public async Task BodyThatStopsArriving_IsAJson408_WithoutHeadersOrStackTrace()
    {
        // Kestrel's minimum body data rate (240 bytes/s after a 5 s grace period) ends the wait.
        var answer = await gateway.SendRawAsync($"""
            POST /v1/auth:logout HTTP/1.1
            Host: localhost
            Authorization: {Token}
            Content-Type: application/json
            Content-Length: 100000

            """, "{\"refreshToken\":", TestContext.Current.CancellationToken);

        Assert.StartsWith("HTTP/1.1 408", answer);
        AssertJsonStatusWithoutInternals(answer, code: 4);
    }

    [Fact]
    public async Task No_answer_names_the_server_software()
    {
        var found = await gateway.Http.GetAsync("/v1/auth/jwks", TestContext.Current.CancellationToken);
        var notFound = await gateway.Http.GetAsync("/no/such/route", TestContext.Current.CancellationToken);

        Assert.Equal(System.Net.HttpStatusCode.OK, found.StatusCode);
        Assert.Empty(found.Headers.Server);
        Assert.Empty(notFound.Headers.Server);
    }

    private static void AssertJsonStatusWithoutInternals(string answer, int code)
    {
        Assert.Contains("Content-Type: application/json", answer, StringComparison.OrdinalIgnoreCase);
        var body = answer[(answer.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];
        Assert.Contains($"\"code\":{code}", body);
        Assert.DoesNotContain("secret-token-of-the-caller", answer);
        Assert.DoesNotContain("Exception", answer);
        Assert.DoesNotContain(".cs:line", answer);
        Assert.DoesNotContain(" at ", body);
    }
}
