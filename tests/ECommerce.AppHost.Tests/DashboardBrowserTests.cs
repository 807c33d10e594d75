using System.Net;
using ECommerce.AppHost.Tests.Harness;
using Microsoft.Playwright;

namespace ECommerce.AppHost.Tests;

/// <summary>The real Aspire Dashboard of a running AppHost, in Debian's chromium, headless; Playwright never downloads a browser.</summary>
[Collection(AppHostProcess.Collection)]
public sealed class DashboardBrowserTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_resource_shows_running_and_healthy_and_a_rest_call_shows_as_one_trace_across_the_gateway_and_users()
    {
        await using var host = await AppHostProcess.StartAsync(Cancellation);
        await host.WaitUntilReadyAsync(Cancellation);
        var restEdge = (await host.Output.WaitForAsync("REST edge: ", TimeSpan.FromSeconds(5), Cancellation)).Split(' ')[2];
        using (var client = new HttpClient { BaseAddress = new Uri(restEdge) })
        using (var jwks = await client.GetAsync("/v1/auth/jwks", Cancellation))
        {
            Assert.Equal(HttpStatusCode.OK, jwks.StatusCode);
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync();
        await page.GotoAsync(host.DashboardLogin.ToString());

        foreach (var name in AppHostProcess.MeshResources)
        {
            var row = page.Locator("[role=row]").Filter(new() { Has = page.GetByText(name, new() { Exact = true }) });
            await Assertions.Expect(row).ToContainTextAsync("Running", new() { Timeout = 30_000 });
            // The state column says "Unhealthy" (or "Starting") instead while a health check fails.
            await Assertions.Expect(row).Not.ToContainTextAsync("Unhealthy");
        }

        // The gateway's traces only: every service's background work (outbox relays, consumers, sweepers, the checkout
        // resumer) adds database traces all the time, and among all of them the REST call's trace scrolls out of view.
        await page.GotoAsync(new Uri(host.DashboardLogin, "/traces/resource/gateway").ToString());
        var trace = page.Locator("[role=row]").Filter(new() { HasText = "GET /v1/auth/jwks" }).First;
        await Assertions.Expect(trace).ToContainTextAsync("gateway", new() { Timeout = 30_000 });
        await Assertions.Expect(trace).ToContainTextAsync("users");
    }
}
