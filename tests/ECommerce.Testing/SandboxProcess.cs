using System.Net.Http.Json;
using System.Text.Json;
using ECommerce.LocalInfrastructure.Processes;

namespace ECommerce.Testing;

/// <summary>The sandbox payment provider as its own process, as the AppHost runs it, and a client of its HTTP API.</summary>
public sealed class SandboxProcess : HttpSandboxProcess
{
    private SandboxProcess(ChildProcess process, Uri address, string apiKey) : base(process, address, apiKey)
    {
    }

    public static Task<SandboxProcess> StartAsync(Uri address, string apiKey, string webhookSecret, Uri webhookUrl, int slowAnswerMs = 3000, int latencyMs = 0) =>
        StartAsync("payment-sandbox", "PaymentSandbox", address, new Dictionary<string, string>
        {
            // Everything it logs, so the card-number check reads all of it.
            ["Logging__LogLevel__Default"] = "Debug",
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Debug",
            ["Sandbox__ApiKey"] = apiKey,
            ["Sandbox__WebhookSecret"] = webhookSecret,
            ["Sandbox__WebhookUrl"] = webhookUrl.ToString(),
            ["Sandbox__SlowAnswerMs"] = slowAnswerMs.ToString(),
            ["Sandbox__LatencyMs"] = latencyMs.ToString(),
        }, process => new SandboxProcess(process, address, apiKey));

    /// <summary>What a storefront does with the card form: the number goes to the provider only, a token comes back.</summary>
    public async Task<string> TokeniseAsync(string number, string cvc = "123")
    {
        using var response = await Http.PostAsJsonAsync("/v1/payment_methods", new { number, exp_month = 12, exp_year = 2030, cvc });
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
        return await Http.SendAsync(request);
    }

    /// <summary>The provider's authorizations whose reference (the shop's payment id) is <paramref name="reference"/>.</summary>
    public async Task<List<JsonElement>> AuthorizationsAsync(string reference) =>
        (await Http.GetFromJsonAsync<JsonElement>($"/v1/authorizations?reference={Uri.EscapeDataString(reference)}")).GetProperty("data").EnumerateArray().ToList();

    public async Task<JsonElement> AuthorizationAsync(string id) => await Http.GetFromJsonAsync<JsonElement>($"/v1/authorizations/{id}");
}
