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
        await using var browser = await LaunchChromiumAsync(playwright);
        var page = await browser.NewPageAsync();

        await page.GotoAsync(mesh.Dashboard.Address.ToString());

        foreach (var name in RunningMesh.DeclaredResources)
        {
            var row = page.Locator($"tr[data-resource='{name}']");
            await Assertions.Expect(row.Locator("td.state")).ToHaveTextAsync("Running");
            await Assertions.Expect(row.Locator("td.health")).ToHaveTextAsync("Healthy");
        }
        await page.ClickAsync("nav a[data-tab='console']");
        await page.SelectOptionAsync("#log-resource", "gateway");
        await Assertions.Expect(page.Locator("#log")).ToContainTextAsync("Now listening on");
    }

    [Fact]
    public async Task Structured_logs_filter_by_service_and_a_trace_opens_as_a_waterfall()
    {
        var gateway = (await mesh.WaitUntilHealthyAsync()).Single(row => row.Name == "gateway");
        using (var http = new HttpClient())
        {
            // Any request to the REST edge is traced; this one finds no route.
            await http.GetAsync($"{gateway.Url("http")}/no/such/route", TestContext.Current.CancellationToken);
        }
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchChromiumAsync(playwright);
        var page = await browser.NewPageAsync();
        await page.GotoAsync(mesh.Dashboard.Address.ToString());

        await page.ClickAsync("nav a[data-tab='logs']");
        await Assertions.Expect(page.Locator("#log-filter select[name='service'] option[value='gateway']")).ToHaveCountAsync(1);
        await page.SelectOptionAsync("#log-filter select[name='service']", "gateway");
        await Assertions.Expect(page.Locator("#log-table tbody")).ToContainTextAsync("Now listening on");
        await Assertions.Expect(page.Locator("#log-table tbody tr:not([data-service='gateway'])")).ToHaveCountAsync(0);

        await page.ClickAsync("nav a[data-tab='traces']");
        var trace = page.Locator("#trace-table tbody tr", new() { HasText = "GET" }).First;
        await trace.ClickAsync();
        await Assertions.Expect(page.Locator("#waterfall .span-row").First).ToContainTextAsync("gateway: GET");
    }

    private static Task<IBrowser> LaunchChromiumAsync(IPlaywright playwright) =>
        playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
}
