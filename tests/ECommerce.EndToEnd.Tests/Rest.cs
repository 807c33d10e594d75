using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace ECommerce.EndToEnd.Tests;

/// <summary>REST calls as a storefront makes them: JSON in, JSON out, the access token as a bearer token.</summary>
internal static class Rest
{
    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path, object body) =>
        client.PostAsJsonAsync(path, body, TestContext.Current.CancellationToken);

    public static Task<HttpResponseMessage> GetAsync(this HttpClient client, string path, string? accessToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (accessToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }
        return client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>Any call: a JSON body (web casing), the access token and the guest cart's token when given.</summary>
    public static Task<HttpResponseMessage> SendJsonAsync(this HttpClient client, HttpMethod method, string path, object? body, string? accessToken = null,
        string? cartToken = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: new JsonSerializerOptions(JsonSerializerDefaults.Web));
        }
        if (accessToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }
        if (cartToken is not null)
        {
            request.Headers.Add("x-cart-token", cartToken);
        }
        return client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>A SKU of the demo catalog with at least <paramref name="units"/> available, and its product's name.</summary>
    public static async Task<(string Sku, string Name)> StockedSkuAsync(this HttpClient client, int units = 5)
    {
        using var listed = await client.GetAsync("/v1/products?page.pageSize=20", accessToken: null);
        Assert.Equal(System.Net.HttpStatusCode.OK, listed.StatusCode);
        foreach (var product in (await listed.ReadJsonAsync()).GetProperty("products").EnumerateArray())
        {
            foreach (var variant in product.GetProperty("variants").EnumerateArray())
            {
                if (variant.TryGetProperty("available", out var available) && long.Parse(available.ToString()) >= units)
                {
                    return (variant.GetProperty("sku").GetString()!, product.GetProperty("name").GetString()!);
                }
            }
        }
        throw new Xunit.Sdk.XunitException($"No demo SKU has {units} units available.");
    }

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        try
        {
            return JsonDocument.Parse(text).RootElement;
        }
        catch (JsonException)
        {
            Assert.Fail($"{(int)response.StatusCode}: the body is not JSON: {text}");
            throw;
        }
    }

    /// <summary>Asserts the HTTP status and a google.rpc.Status body with the given gRPC code; returns its message.</summary>
    public static async Task<string> AssertStatusAsync(this HttpResponseMessage response, int httpStatus, int grpcCode)
    {
        var body = await response.ReadJsonAsync();
        Assert.True((int)response.StatusCode == httpStatus, $"Expected HTTP {httpStatus}, got {(int)response.StatusCode}: {body}");
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(grpcCode, body.GetProperty("code").GetInt32());
        return body.GetProperty("message").GetString()!;
    }
}

internal static class Accounts
{
    public const string Password = "correct horse battery staple";

    public static string NewEmail() => $"e2e-{Guid.NewGuid():N}@example.com";
}
