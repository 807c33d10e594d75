using System.Net;
using System.Text;

namespace ECommerce.EndToEnd.Tests;

/// <summary>What the REST edge adds in front of the services: authorization passthrough, limits, CORS, the API description.</summary>
public sealed class GatewayBehaviourTests(RunningMesh mesh)
{
    // The storefront origin services/Gateway/appsettings.Development.json allows (the AppHost runs services as Development).
    private const string StorefrontOrigin = "http://localhost:3000";
    private const int ResourceExhausted = 8;

    [Fact]
    public async Task ProtectedRoute_WithoutToken_Is401()
    {
        using var client = mesh.NewRestClient();

        using var response = await client.GetAsync("/v1/users/me", accessToken: null);

        await response.AssertStatusAsync(401, grpcCode: 16);
    }

    [Fact]
    public async Task ProtectedRoute_WithForgedToken_Is401()
    {
        using var client = mesh.NewRestClient();

        using var response = await client.GetAsync("/v1/users/me", accessToken: "not.a.token");

        await response.AssertStatusAsync(401, grpcCode: 16);
    }

    [Fact]
    public async Task LoginsBeyondTheSignInLimit_Are429WithRetryAfter_ForThatClientOnly()
    {
        using var client = mesh.NewRestClient();
        // The default sign-in limit: 10 a minute per client.
        for (var attempt = 0; attempt < 10; attempt++)
        {
            using var allowed = await client.PostJsonAsync("/v1/auth:login", new { email = Accounts.NewEmail(), password = "wrong password 1" });
            Assert.NotEqual(HttpStatusCode.TooManyRequests, allowed.StatusCode);
        }

        using var limited = await client.PostJsonAsync("/v1/auth:login", new { email = Accounts.NewEmail(), password = "wrong password 1" });

        var message = await limited.AssertStatusAsync(429, ResourceExhausted);
        Assert.Contains("Too many requests", message);
        var retryAfter = Assert.Single(limited.Headers.GetValues("Retry-After"));
        Assert.InRange(int.Parse(retryAfter), 1, 60);

        using var otherClient = mesh.NewRestClient();
        using var other = await otherClient.PostJsonAsync("/v1/auth:login", new { email = Accounts.NewEmail(), password = "wrong password 1" });
        Assert.NotEqual(HttpStatusCode.TooManyRequests, other.StatusCode);
    }

    [Fact]
    public async Task UsersOwnSignInThrottle_ReachesTheClientAs429WithRetryAfter()
    {
        var email = Accounts.NewEmail();
        await mesh.Users.RegisterAsync(new() { Email = email, Password = Accounts.Password, DisplayName = "Throttled" },
            cancellationToken: TestContext.Current.CancellationToken);
        using var client = mesh.NewRestClient();
        // Users allows 5 failed sign-ins per account, then locks it for 30 s (fewer than the gateway's 10 a client).
        for (var attempt = 0; attempt < 5; attempt++)
        {
            using var wrong = await client.PostJsonAsync("/v1/auth:login", new { email, password = "wrong password 1" });
            await wrong.AssertStatusAsync(401, grpcCode: 16);
        }

        using var locked = await client.PostJsonAsync("/v1/auth:login", new { email, password = Accounts.Password });

        var message = await locked.AssertStatusAsync(429, ResourceExhausted);
        Assert.Contains("failed sign-in attempts", message);
        Assert.InRange(int.Parse(Assert.Single(locked.Headers.GetValues("Retry-After"))), 1, 30);
    }

    [Fact]
    public async Task RequestsBeyondThePerClientLimit_Are429WithRetryAfter()
    {
        using var client = mesh.NewRestClient();
        // The default limit is 300 per 10 s window. Sent 50 at a time, so that even a busy machine fits more than
        // that into one window; until a 429, since a window may end mid-way. Bad JSON keeps each request inside
        // the gateway, yet every one counts. A catalog route, because profile changes are also under the stricter
        // sign-in limit (one minute), which would answer first.
        HttpResponseMessage? limited = null;
        for (var sent = 0; sent < 2000 && limited is null; sent += 50)
        {
            var batch = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ =>
                client.PostAsync("/v1/products", new StringContent("{", Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken)));
            Assert.All(batch, response => Assert.Contains(response.StatusCode, new[] { HttpStatusCode.BadRequest, HttpStatusCode.TooManyRequests }));
            limited = batch.FirstOrDefault(response => response.StatusCode == HttpStatusCode.TooManyRequests);
            foreach (var response in batch.Where(response => response != limited))
            {
                response.Dispose();
            }
        }

        Assert.NotNull(limited);
        using (limited)
        {
            await limited.AssertStatusAsync(429, ResourceExhausted);
            Assert.InRange(int.Parse(Assert.Single(limited.Headers.GetValues("Retry-After"))), 1, 10);
        }
    }

    [Fact]
    public async Task BodyOverOneMebibyte_Is413Json()
    {
        using var client = mesh.NewRestClient();
        // With Expect: 100-continue the client waits for the gateway's verdict before sending the body; without it,
        // HttpClient is still writing when the gateway answers 413 and closes, and reports the broken pipe instead.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/auth:login")
        {
            Content = new StringContent($"{{\"email\":\"{new string('a', 1024 * 1024)}\"}}", Encoding.UTF8, "application/json"),
        };
        request.Headers.ExpectContinue = true;

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        await response.AssertStatusAsync(413, ResourceExhausted);
    }

    [Fact]
    public async Task ChunkedBodyGrowingOverOneMebibyte_Is413Json()
    {
        using var client = mesh.NewRestClient();
        var body = Encoding.UTF8.GetBytes($"{{\"email\":\"{new string('a', 1024 * 1024)}\"}}");
        // A stream of unknown length goes chunked, so the gateway only finds out while reading.
        using var content = new StreamContent(new UnseekableStream(body));
        content.Headers.ContentType = new("application/json");

        using var response = await client.PostAsync("/v1/auth:login", content, TestContext.Current.CancellationToken);

        await response.AssertStatusAsync(413, ResourceExhausted);
    }

    [Fact]
    public async Task InvalidJson_Is400NamingTheProblem()
    {
        using var client = mesh.NewRestClient();
        using var content = new StringContent("{\"email\": ", Encoding.UTF8, "application/json");

        using var response = await client.PostAsync("/v1/auth:login", content, TestContext.Current.CancellationToken);

        var message = await response.AssertStatusAsync(400, grpcCode: 3);
        Assert.Contains("not valid JSON", message);
    }

    [Fact]
    public async Task CorsPreflight_IsAllowedForTheStorefrontOriginOnly()
    {
        using var client = mesh.NewRestClient();

        using var storefront = await client.SendAsync(Preflight(StorefrontOrigin), TestContext.Current.CancellationToken);
        using var stranger = await client.SendAsync(Preflight("http://elsewhere.example"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NoContent, storefront.StatusCode);
        Assert.Equal(StorefrontOrigin, Assert.Single(storefront.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Contains("authorization", Assert.Single(storefront.Headers.GetValues("Access-Control-Allow-Headers")));
        Assert.False(stranger.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task OpenApiDocument_ListsTheUsersRoutes()
    {
        using var client = mesh.NewRestClient();

        using var response = await client.GetAsync("/openapi/v1.json", accessToken: null);

        var paths = (await response.ReadJsonAsync()).GetProperty("paths");
        Assert.True(paths.GetProperty("/v1/users:register").TryGetProperty("post", out _));
        Assert.True(paths.GetProperty("/v1/auth:login").TryGetProperty("post", out _));
        Assert.True(paths.GetProperty("/v1/auth:refresh").TryGetProperty("post", out _));
        Assert.True(paths.GetProperty("/v1/users/{user_id}").TryGetProperty("get", out _));
    }

    [Fact]
    public async Task ApiPage_ReadsTheOpenApiDocument()
    {
        using var client = mesh.NewRestClient();

        using var response = await client.GetAsync("/docs", accessToken: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("/openapi/v1.json", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    private static HttpRequestMessage Preflight(string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/v1/users/me");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "GET");
        request.Headers.Add("Access-Control-Request-Headers", "authorization");
        return request;
    }

    /// <summary>A stream that cannot tell its length.</summary>
    private sealed class UnseekableStream(byte[] content) : MemoryStream(content)
    {
        public override bool CanSeek => false;
    }
}
