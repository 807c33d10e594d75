using System.Net.Http.Json;
using System.Text.Json;
using ECommerce.LocalInfrastructure.Processes;
using ECommerce.Testing;

namespace ECommerce.Shipping.Tests;

/// <summary>The sandbox carrier as its own process, as the AppHost runs it, with its clock stopped so tests move parcels step by step.</summary>
public sealed class CarrierProcess : HttpSandboxProcess
{
    private CarrierProcess(ChildProcess process, Uri address, string apiKey) : base(process, address, apiKey)
    {
    }

    /// <param name="stepInterval">The carrier's clock; zero (the tests' default) moves parcels only when advanced.</param>
    public static Task<CarrierProcess> StartAsync(Uri address, string apiKey, string webhookSecret, Uri webhookUrl, TimeSpan stepInterval = default, int latencyMs = 0) =>
        StartAsync("carrier-sandbox", "CarrierSandbox", address, new Dictionary<string, string>
        {
            ["Sandbox__ApiKey"] = apiKey,
            ["Sandbox__WebhookSecret"] = webhookSecret,
            ["Sandbox__WebhookUrl"] = webhookUrl.ToString(),
            ["Sandbox__StepInterval"] = stepInterval.ToString("c"),
            ["Sandbox__TestControl"] = "true",
            ["Sandbox__LatencyMs"] = latencyMs.ToString(),
        }, process => new CarrierProcess(process, address, apiKey));

    /// <summary>The carrier's parcels booked for a shipment (the carrier's reference is the shipment id).</summary>
    public async Task<List<JsonElement>> ParcelsAsync(string shipmentId) =>
        (await Http.GetFromJsonAsync<JsonElement>($"/v1/shipments?reference={Uri.EscapeDataString(shipmentId)}")).GetProperty("data").EnumerateArray().ToList();

    /// <summary>Moves the shipment's parcel (or its open return) one step, as the carrier's clock would.</summary>
    public async Task<JsonElement> AdvanceAsync(string shipmentId)
    {
        var parcel = (await ParcelsAsync(shipmentId)).Single();
        using var response = await Http.PostAsync($"/v1/test/shipments/{parcel.GetProperty("id").GetString()}/advance", null);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return response.IsSuccessStatusCode ? body : throw new InvalidOperationException($"The carrier did not advance shipment {shipmentId}: {body}");
    }
}
