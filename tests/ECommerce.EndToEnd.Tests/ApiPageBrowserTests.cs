using ECommerce.AppHost.Tests.Harness;
using Microsoft.Playwright;

namespace ECommerce.EndToEnd.Tests;

/// <summary>The gateway's /docs page in Debian's chromium, headless; Playwright never downloads a browser.</summary>
public sealed class ApiPageBrowserTests(RunningMesh mesh)
{
    [Fact]
    public async Task ListsTheOperationsByService_AndTriesAGet()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync();

        await page.GotoAsync(new Uri(mesh.Gateway, "/docs").ToString());

        await Assertions.Expect(page.Locator("h2", new() { HasText = "UsersService" })).ToHaveCountAsync(1);
        var jwks = page.Locator("details", new() { HasText = "/v1/auth/jwks" });
        await jwks.Locator("summary").ClickAsync();
        await jwks.Locator("button").ClickAsync();
        await Assertions.Expect(jwks.Locator("pre")).ToContainTextAsync("200");
        await Assertions.Expect(jwks.Locator("pre")).ToContainTextAsync("\"keys\"");
    }
}
