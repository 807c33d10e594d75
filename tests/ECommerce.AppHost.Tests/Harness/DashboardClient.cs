using System.Diagnostics;
using System.Net.Http.Json;

namespace ECommerce.AppHost.Tests.Harness;

/// <summary>The dashboard's JSON API, as the page uses it.</summary>
public sealed class DashboardClient(Uri dashboard) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = dashboard, Timeout = TimeSpan.FromSeconds(30) };

    public Uri Address => dashboard;

    public async Task<IReadOnlyList<ResourceRow>> GetResourcesAsync(CancellationToken cancellationToken = default) =>
        (await _http.GetFromJsonAsync<List<ResourceRow>>("/api/resources", cancellationToken))!;

    public async Task<ResourceRow> GetResourceAsync(string name, CancellationToken cancellationToken = default) =>
        (await GetResourcesAsync(cancellationToken)).Single(resource => resource.Name == name);

    public async Task<HttpResponseMessage> ActAsync(string name, string action, bool withActionHeader = true, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/resources/{name}/{action}");
        if (withActionHeader)
        {
            request.Headers.Add("X-Dashboard-Action", "1");
        }
        return await _http.SendAsync(request, cancellationToken);
    }

    /// <summary>Polls until every resource satisfies <paramref name="condition"/>; fails with the last rows seen.</summary>
    public Task<IReadOnlyList<ResourceRow>> WaitUntilAllAsync(Func<ResourceRow, bool> condition, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        WaitUntilAsync(rows => rows.All(condition), timeout, cancellationToken);

    public async Task<IReadOnlyList<ResourceRow>> WaitUntilAsync(Func<IReadOnlyList<ResourceRow>, bool> condition, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var rows = await GetResourcesAsync(cancellationToken);
            if (condition(rows))
            {
                return rows;
            }
            if (clock.Elapsed > timeout)
            {
                Assert.Fail($"The dashboard did not show the expected state within {timeout.TotalSeconds:0} s. Last seen:\n{string.Join('\n', rows)}");
            }
            await Task.Delay(200, cancellationToken);
        }
    }

    /// <summary>Polls a JSON query until <paramref name="done"/> holds; telemetry arrives a few seconds after what caused it.</summary>
    public async Task<T> PollAsync<T>(string path, Func<T, bool> done, TimeSpan patience, CancellationToken cancellationToken) where T : class
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            using var response = await _http.GetAsync(path, cancellationToken);
            if (response.IsSuccessStatusCode && await response.Content.ReadFromJsonAsync<T>(cancellationToken) is { } value && done(value))
            {
                return value;
            }
            Assert.True(clock.Elapsed < patience, $"{path} did not show the expected telemetry within {patience.TotalSeconds:0} s.");
            await Task.Delay(250, cancellationToken);
        }
    }

    public HttpClient Http => _http;

    public void Dispose() => _http.Dispose();
}

public sealed record ResourceRow(
    string Name,
    string Resource,
    string Kind,
    string State,
    string Health,
    List<EndpointRow> Endpoints,
    int? ProcessId,
    int Restarts,
    double? UptimeSeconds,
    bool CanStop,
    string? LogFile,
    string? Error)
{
    public bool IsRunningAndHealthy => State == "Running" && Health == "Healthy";

    public string Url(string endpoint) => Endpoints.Single(candidate => candidate.Name == endpoint).Url;

    public override string ToString() => $"{Name}: {State}/{Health} pid={ProcessId} restarts={Restarts} error={Error}";
}

public sealed record EndpointRow(string Name, string Url, bool IsExternal);
