using System.Net.Http.Json;
using System.Reflection;
using System.Security.Cryptography;
using System.Text.Json;
using ECommerce.LocalInfrastructure;
using ECommerce.LocalInfrastructure.Processes;

namespace ECommerce.Testing;

/// <summary>The sandbox payment provider as its own process, as the AppHost runs it, and a client of its HTTP API.</summary>
/// <remarks>A test project that starts it references services/PaymentSandbox with <c>ReferenceOutputAssembly="false"</c>.</remarks>
public sealed class SandboxProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;
    private readonly HttpClient _http;

    private SandboxProcess(ChildProcess process, Uri address, string apiKey)
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

    public static async Task<SandboxProcess> StartAsync(Uri address, string apiKey, string webhookSecret, Uri webhookUrl, int slowAnswerMs = 3000, int latencyMs = 0)
    {
        var configuration = typeof(SandboxProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var assembly = Path.Combine(RepositoryRoot.Path, "services", "PaymentSandbox", "bin", configuration, "net10.0", "ECommerce.PaymentSandbox.dll");
        var logFile = Path.Combine(Path.GetTempPath(), $"ecommerce-test-payment-sandbox-{Guid.NewGuid():N}.log");
        var process = await ChildProcess.StartAsync("payment-sandbox", "dotnet", [assembly], logFile, ChildProcess.SigTerm, environment: new Dictionary<string, string>
        {
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["Kestrel__Endpoints__http__Url"] = address.ToString(),
            ["Kestrel__Endpoints__http__Protocols"] = "Http1",
            // Everything it logs, so the card-number check reads all of it.
            ["Logging__LogLevel__Default"] = "Debug",
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Debug",
            ["Sandbox__ApiKey"] = apiKey,
            ["Sandbox__WebhookSecret"] = webhookSecret,
            ["Sandbox__WebhookUrl"] = webhookUrl.ToString(),
            ["Sandbox__SlowAnswerMs"] = slowAnswerMs.ToString(),
            ["Sandbox__LatencyMs"] = latencyMs.ToString(),
        });
        var sandbox = new SandboxProcess(process, address, apiKey);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                if ((await sandbox._http.GetAsync("/health")).IsSuccessStatusCode)
                {
                    return sandbox;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
            }
            if (DateTime.UtcNow > deadline || process.HasExited)
            {
                await sandbox.DisposeAsync();
                throw new InvalidOperationException($"The sandbox did not start:\n{process.LogTail(30)}");
            }
            await Task.Delay(200);
        }
    }

    /// <summary>What a storefront does with the card form: the number goes to the provider only, a token comes back.</summary>
    public async Task<string> TokeniseAsync(string number, string cvc = "123")
    {
        using var response = await _http.PostAsJsonAsync("/v1/payment_methods", new { number, exp_month = 12, exp_year = 2030, cvc });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    public async Task<HttpResponseMessage> PostAsync(string path, object body, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }
        return await _http.SendAsync(request);
    }

    /// <summary>The provider's authorizations whose reference (the shop's payment id) is <paramref name="reference"/>.</summary>
    public async Task<List<JsonElement>> AuthorizationsAsync(string reference) =>
        (await _http.GetFromJsonAsync<JsonElement>($"/v1/authorizations?reference={Uri.EscapeDataString(reference)}")).GetProperty("data").EnumerateArray().ToList();

    public async Task<JsonElement> AuthorizationAsync(string id) => await _http.GetFromJsonAsync<JsonElement>($"/v1/authorizations/{id}");

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _process.DisposeAsync();
        File.Delete(_process.LogFile);
    }
}
