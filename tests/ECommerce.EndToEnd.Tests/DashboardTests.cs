using ECommerce.AppHost.Tests.Harness;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;

namespace ECommerce.EndToEnd.Tests;

/// <summary>
/// What the AppHost's dashboard shows of the running services, in whichever mode they run: every resource
/// running and healthy, and requests traced across services and through the events they cause. The page is
/// Debian's chromium, headless.
/// </summary>
public sealed class DashboardTests(RunningMesh mesh)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EveryResourceIsRunningAndHealthy_AndARestCallShowsAsOneTraceAcrossTheGatewayAndUsers()
    {
        using (var client = mesh.NewRestClient())
        using (var jwks = await client.GetAsync("/v1/auth/jwks", Cancellation))
        {
            Assert.Equal(HttpStatusCode.OK, jwks.StatusCode);
        }
        var (trace, spans) = await WaitForTraceAsync("GET /v1/auth/jwks", ["gateway", "users"], spans => spans.Count(span => span.Kind == "Server") == 2);

        // Each span is exported once, by its own service; in the monolith every service's telemetry sees every span.
        Assert.Equal(spans.Count, spans.Select(span => span.SpanId).Distinct().Count());
        var served = Assert.Single(spans, span => span.Service == "users" && span.Kind == "Server");
        Assert.Single(spans, span => span.Service == "gateway" && span.Kind == "Server" && span.Name == "GET /v1/auth/jwks");
        Assert.Contains(spans, span => span.Service == "gateway" && span.Kind == "Client" && span.SpanId == served.ParentSpanId);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync();
        await page.GotoAsync(mesh.Host.Dashboard.Address.ToString());

        await Assertions.Expect(page.Locator("tr[data-resource]")).ToHaveCountAsync(RunningMesh.Resources.Count);
        foreach (var name in RunningMesh.Resources)
        {
            var row = page.Locator($"tr[data-resource='{name}']");
            await Assertions.Expect(row.Locator("td.state")).ToHaveTextAsync("Running");
            await Assertions.Expect(row.Locator("td.health")).ToHaveTextAsync("Healthy");
        }

        await page.ClickAsync("nav a[data-tab='traces']");
        // Users' traces only: other tests' requests fill the list of newest traces too.
        await Assertions.Expect(page.Locator("#trace-filter select[name='service'] option[value='users']")).ToHaveCountAsync(1);
        await page.SelectOptionAsync("#trace-filter select[name='service']", "users");
        await page.ClickAsync($"#trace-table tbody tr[data-trace-id='{trace.TraceId}']");
        var waterfall = page.Locator("#waterfall .span-row");
        await Assertions.Expect(waterfall).ToHaveCountAsync(spans.Count);
        await Assertions.Expect(waterfall.First).ToContainTextAsync("gateway: GET /v1/auth/jwks");
        await Assertions.Expect(page.Locator($"#waterfall .span-row[data-span-id='{served.SpanId}']")).ToContainTextAsync("users: ");
    }

    [Fact]
    public async Task ASignUpIsTracedFromTheGatewayThroughUsersToTheEventItPublishes()
    {
        using (var client = mesh.NewRestClient())
        using (var registered = await client.PostJsonAsync("/v1/users:register", new { email = Accounts.NewEmail(), password = Accounts.Password, displayName = "Traced" }))
        {
            Assert.Equal(HttpStatusCode.OK, registered.StatusCode);
        }

        // The outbox row carries the request's trace context; the relay, a background service of Users,
        // publishes the event later in a span of that same trace.
        var (_, spans) = await WaitForTraceAsync("POST /v1/users:register", ["gateway", "users"],
            spans => spans.Any(span => span.Kind == "Producer") && spans.Any(span => span.Service == "users" && span.Kind == "Server"));

        var published = Assert.Single(spans, span => span.Kind == "Producer");
        Assert.Equal(("users", "users publish"), (published.Service, published.Name));
        Assert.Contains(spans, span => span.Service == "users" && span.Kind == "Server");
        Assert.Equal(spans.Count, spans.Select(span => span.SpanId).Distinct().Count());
    }

    [Fact]
    public async Task TheDemoCatalogLoadIsOneTrace_ThroughEveryEventItPublishedToTheSearchIndex()
    {
        var traces = await mesh.Host.Dashboard.PollAsync<List<TraceSummary>>("/api/traces?service=catalog&limit=500",
            traces => traces.Any(trace => trace.Name == "catalog demo data load" && trace.Services.Contains("search")), TimeSpan.FromSeconds(60), Cancellation);

        var load = Assert.Single(traces, trace => trace.Name == "catalog demo data load");
        var spans = (await mesh.Host.Dashboard.Http.GetFromJsonAsync<List<Span>>($"/api/traces/{load.TraceId}", Cancellation))!;
        Assert.True(spans.Count(span => span.Service == "catalog" && span.Kind == "Producer") >= 1000, $"{spans.Count} spans");
        Assert.Contains(spans, span => span.Service == "search" && span.Kind == "Consumer");
        Assert.DoesNotContain(traces, trace => trace.Name.EndsWith(" publish", StringComparison.Ordinal));
    }

    /// <summary>Spans arrive within a second or two of the call (services export each second), each service's on its own.</summary>
    private async Task<(TraceSummary Trace, List<Span> Spans)> WaitForTraceAsync(string name, string[] services, Func<List<Span>, bool> complete)
    {
        var patience = TimeSpan.FromSeconds(30);
        var traces = await mesh.Host.Dashboard.PollAsync<List<TraceSummary>>("/api/traces?service=users&limit=500",
            traces => traces.Any(trace => trace.Name == name && services.All(trace.Services.Contains)), patience, Cancellation);
        var found = traces.First(trace => trace.Name == name && services.All(trace.Services.Contains));
        return (found, await mesh.Host.Dashboard.PollAsync($"/api/traces/{found.TraceId}", complete, patience, Cancellation));
    }

    private sealed record TraceSummary(string TraceId, string Name, List<string> Services);

    private sealed record Span(string SpanId, string? ParentSpanId, string Service, string Name, string Kind);
}
