using ECommerce.AppHost.Tests.Harness;
using Microsoft.Playwright;

namespace ECommerce.AppHost.Tests;

/// <summary>The dashboard page in Debian's chromium, headless; Playwright never downloads a browser.</summary>
[Collection(AppHostProcessCollection.Name)]
public sealed class DashboardBrowserTests(RunningMesh mesh)
{
    [Fact]
    public async Task The_page_shows_every_resource_running_and_healthy_and_streams_a_console_log()
    {
        await mesh.WaitUntilHealthyAsync();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync();

        await page.GotoAsync(mesh.Dashboard.Address.ToString());

        foreach (var name in AppHostProcess.MeshResources)
        {
            var row = page.Locator($"tr[data-resource='{name}']");
            await Assertions.Expect(row.Locator("td.state")).ToHaveTextAsync("Running");
            await Assertions.Expect(row.Locator("td.health")).ToHaveTextAsync("Healthy");
        }
        await page.ClickAsync("nav a[data-tab='console']");
        await page.SelectOptionAsync("#log-resource", "gateway");
        await Assertions.Expect(page.Locator("#log")).ToContainTextAsync("Now listening on");
    }

    /// <remarks>A trace across services, in the waterfall, is the end-to-end suite's DashboardBrowserTests (in both modes).</remarks>
    [Fact]
    public async Task Structured_logs_filter_by_service()
    {
        await mesh.WaitUntilHealthyAsync();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync();
        await page.GotoAsync(mesh.Dashboard.Address.ToString());

        await page.ClickAsync("nav a[data-tab='logs']");
        await Assertions.Expect(page.Locator("#log-filter select[name='service'] option[value='gateway']")).ToHaveCountAsync(1);
        await page.SelectOptionAsync("#log-filter select[name='service']", "gateway");
        await Assertions.Expect(page.Locator("#log-table tbody")).ToContainTextAsync("Now listening on");
        await Assertions.Expect(page.Locator("#log-table tbody tr:not([data-service='gateway'])")).ToHaveCountAsync(0);
    }

}
