using Microsoft.Playwright;

namespace ECommerce.AppHost.Tests.Harness;

/// <summary>Debian's chromium, headless, driven by Playwright, which never downloads a browser of its own.</summary>
public static class Chromium
{
    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) =>
        playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
}
