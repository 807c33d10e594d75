using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace ECommerce.Grpc.Transcoding.Tests.Hosting;

/// <summary>A REST answer as a test sees it: status, content type and body (parsed when it is JSON).</summary>
public sealed record RestAnswer(HttpStatusCode Status, string? ContentType, string Body)
{
    public JsonNode Json => JsonNode.Parse(Body) ?? throw new InvalidOperationException("The body is JSON null.");

    /// <summary>The google.rpc.Status message of an error answer.</summary>
    public string ErrorMessage => (string)Json["message"]!;
}

public static class RestCalls
{
    public static async Task<RestAnswer> SendAsync(this HttpClient client, string method, string pathAndQuery, string? jsonBody = null,
        IReadOnlyDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), pathAndQuery);
        if (jsonBody is not null)
        {
            request.Content = new StringContent(jsonBody, Encoding.UTF8, "application/json");
        }
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return new RestAnswer(response.StatusCode, response.Content.Headers.ContentType?.MediaType, body);
    }
}
