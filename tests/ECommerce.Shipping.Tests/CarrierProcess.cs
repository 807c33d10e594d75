using System.Net.Http.Json;
using System.Reflection;
using System.Security.Cryptography;
using System.Text.Json;
using ECommerce.LocalInfrastructure;
using ECommerce.LocalInfrastructure.Processes;
using ECommerce.Testing;

namespace ECommerce.Shipping.Tests;

/// <summary>The sandbox carrier as its own process, as the AppHost runs it, with its clock stopped so tests move parcels step by step.</summary>
public sealed class CarrierProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;
    private readonly HttpClient _http;

    private CarrierProcess(ChildProcess process, Uri address, string apiKey)
    {
        _process = process;
        Address = address;
        _http = new HttpClient { BaseAddress = address };
        _http.DefaultRequestHeaders.Authorization = new("Bearer", apiKey);
    }

    public Uri Address { get; }
    public string LogFile => _process.LogFile;

    public static Uri NewAddress() => new($"http://{Loopback.Host}:{Loopback.FreePort()}");

    public static string NewSecret() => Convert.ToHexString(RandomNumberGenerator.GetBytes(32));

    /// <param name="stepInterval">The carrier's clock; zero (the tests' default) moves parcels only when advanced.</param>
    public static async Task<CarrierProcess> StartAsync(Uri address, string apiKey, string webhookSecret, Uri webhookUrl, TimeSpan stepInterval = default, int latencyMs = 0)
    {
        var configuration = typeof(CarrierProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var assembly = Path.Combine(RepositoryRoot.Path, "services", "CarrierSandbox", "bin", configuration, "net10.0", "ECommerce.CarrierSandbox.dll");
        var logFile = Path.Combine(Path.GetTempPath(), $"ecommerce-test-carrier-sandbox-{Guid.NewGuid():N}.log");
        var process = await ChildProcess.StartAsync("carrier-sandbox", "dotnet", [assembly], logFile, ChildProcess.SigTerm, environment: new Dictionary<string, string>
        {
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["Kestrel__Endpoints__http__Url"] = address.ToString(),
            ["Kestrel__Endpoints__http__Protocols"] = "Http1",
            ["Sandbox__ApiKey"] = apiKey,
            ["Sandbox__WebhookSecret"] = webhookSecret,
            ["Sandbox__WebhookUrl"] = webhookUrl.ToString(),
            ["Sandbox__StepInterval"] = stepInterval.ToString("c"),
            ["Sandbox__TestControl"] = "true",
            ["Sandbox__LatencyMs"] = latencyMs.ToString(),
        });
        var carrier = new CarrierProcess(process, address, apiKey);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                if ((await carrier._http.GetAsync("/health")).IsSuccessStatusCode)
                {
                    return carrier;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
            }
            if (DateTime.UtcNow > deadline || process.HasExited)
            {
                await carrier.DisposeAsync();
                throw new InvalidOperationException($"The carrier sandbox did not start:\n{process.LogTail(30)}");
            }
            await Task.Delay(200);
        }
    }

    /// <summary>The carrier's parcels booked for a shipment (the carrier's reference is the shipment id).</summary>
    public async Task<List<JsonElement>> ParcelsAsync(string shipmentId) =>
        (await _http.GetFromJsonAsync<JsonElement>($"/v1/shipments?reference={Uri.EscapeDataString(shipmentId)}")).GetProperty("data").EnumerateArray().ToList();

    /// <summary>Moves the shipment's parcel (or its open return) one step, as the carrier's clock would.</summary>
    public async Task<JsonElement> AdvanceAsync(string shipmentId)
    {
        var parcel = (await ParcelsAsync(shipmentId)).Single();
        using var response = await _http.PostAsync($"/v1/test/shipments/{parcel.GetProperty("id").GetString()}/advance", null);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return response.IsSuccessStatusCode ? body : throw new InvalidOperationException($"The carrier did not advance shipment {shipmentId}: {body}");
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _process.DisposeAsync();
        File.Delete(_process.LogFile);
    }
}
