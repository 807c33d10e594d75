using System.Text.RegularExpressions;
using ECommerce.AppHost.Tests.Harness;
using Microsoft.Playwright;

namespace ECommerce.AppHost.Tests;

/// <summary>The dashboard's Metrics tab in Debian's chromium, headless, as DashboardBrowserTests runs it.</summary>
[Collection(AppHostProcessCollection.Name)]
public sealed partial class MetricsBrowserTests(RunningMesh mesh)
{
    /// <summary>Services export metrics every 60 s unless told otherwise (OTEL_METRIC_EXPORT_INTERVAL).</summary>
    private const float MetricsPatienceMs = 180_000;

    [Fact]
    public async Task The_metrics_tab_charts_the_gateways_requests_and_latency_and_any_instrument_clicked()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var gateway = (await mesh.WaitUntilHealthyAsync()).Single(row => row.Name == "gateway");
        using var traffic = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var requests = SendRequestsAsync(new Uri(gateway.Url("http")), traffic.Token);
        try
        {
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await Chromium.LaunchAsync(playwright);
            var page = await browser.NewPageAsync();
            await page.GotoAsync(mesh.Dashboard.Address.ToString());
            await Assertions.Expect(page.Locator("#receivers")).ToContainTextAsync(OtlpGrpcUrl());

            await page.ClickAsync("nav a[data-tab='metrics']");
            var service = page.Locator("#metric-filter select[name='service']");
            await Assertions.Expect(service.Locator("option[value='gateway']")).ToHaveCountAsync(1, new() { Timeout = MetricsPatienceMs });
            await service.SelectOptionAsync("gateway");

            var row = page.Locator("#metric-table tbody tr[data-instrument='http.server.request.duration']");
            await Assertions.Expect(row.Locator("td.kind")).ToHaveTextAsync("Histogram", new() { Timeout = MetricsPatienceMs });
            await Assertions.Expect(row.Locator("td.unit")).ToHaveTextAsync("ms");
            await Assertions.Expect(row.Locator("td.rate")).ToHaveTextAsync(NonZero(), new() { Timeout = MetricsPatienceMs });
            var chart = page.Locator("#metric-charts .chart[data-instrument='http.server.request.duration']");
            await Assertions.Expect(chart.Locator("svg[data-chart='rate'] [data-series='rate']").First).ToBeAttachedAsync(); // a flat line has no height: attached, not "visible"
            await Assertions.Expect(chart.Locator("svg[data-chart='latency'] [data-series='p95']").First).ToBeAttachedAsync(new() { Timeout = MetricsPatienceMs });
            await Assertions.Expect(chart.Locator("figcaption").Last).ToContainTextAsync("p50");

            // Any other instrument charts on a click.
            var other = page.Locator("#metric-table tbody tr:not([data-instrument$='.duration'])").First;
            var name = await other.GetAttributeAsync("data-instrument");
            await other.ClickAsync();
            await Assertions.Expect(page.Locator($"#metric-charts .chart[data-instrument='{name}'] svg")).ToHaveCountAsync(1);
            await Assertions.Expect(page.Locator($"#metric-table tbody tr.chosen[data-instrument='{name}']")).ToHaveCountAsync(1);
        }
        finally
        {
            await traffic.CancelAsync();
            await requests;
        }
    }

    private string OtlpGrpcUrl() =>
        mesh.Host.Output.All.Single(line => line.StartsWith("OTLP/gRPC: ", StringComparison.Ordinal))["OTLP/gRPC: ".Length..];

    /// <summary>REST requests to the gateway until cancelled, so that every export has some.</summary>
    private static async Task SendRequestsAsync(Uri gateway, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = gateway };
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                using var response = await http.GetAsync("/openapi/v1.json", cancellationToken);
                await Task.Delay(200, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    [GeneratedRegex("[1-9]")]
    private static partial Regex NonZero();

}
