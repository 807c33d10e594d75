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
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        var page = await browser.NewPageAsync();

        await page.GotoAsync(mesh.Dashboard.Address.ToString());

        foreach (var name in RunningMesh.DeclaredResources)
        {
            var row = page.Locator($"tr[data-resource='{name}']");
            await Assertions.Expect(row.Locator("td.state")).ToHaveTextAsync("Running");
            await Assertions.Expect(row.Locator("td.health")).ToHaveTextAsync("Healthy");
        }
        await page.SelectOptionAsync("#log-resource", "gateway");
        await Assertions.Expect(page.Locator("#log")).ToContainTextAsync("Now listening on");
    }
}
