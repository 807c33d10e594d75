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
        await OpenResourcesAsync(page, host.DashboardLogin);

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

    /// <summary>
    /// Signs in and waits for the resources page: its first resource's row, or Blazor's "An unhandled error has occurred".
    /// The dashboard is Aspire's Blazor app, and once in a full CI run on two busy cores its page came up with that error
    /// and no resources at all, which its own Reload link mends; so it is reloaded, as a user would, twice at most. A page
    /// that still fails, or a resource that is not running and healthy, fails the test below.
    /// </summary>
    private static async Task OpenResourcesAsync(IPage page, Uri login)
    {
        await page.GotoAsync(login.ToString());
        var failed = page.GetByText("An unhandled error has occurred");
        var firstRow = page.Locator("[role=row]").Filter(new() { Has = page.GetByText(AppHostProcess.MeshResources[0], new() { Exact = true }) });
        for (var reload = 0; reload < 2; reload++)
        {
            await Assertions.Expect(firstRow.Or(failed).First).ToBeVisibleAsync(new() { Timeout = 30_000 });
            if (!await failed.IsVisibleAsync())
            {
                return;
            }
            await page.ReloadAsync();
        }
    }
}
