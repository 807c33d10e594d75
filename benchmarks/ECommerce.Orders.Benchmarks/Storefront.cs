using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace ECommerce.Orders.Benchmarks;

/// <summary>A signed-in customer with a card on file at the provider.</summary>
internal sealed record Buyer(string AccessToken, string PaymentMethodToken);

/// <summary>The REST calls a storefront makes to check out, as the end-to-end order journey makes them.</summary>
internal static class Storefront
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public static readonly object Berlin = new { recipientName = "Erika Mustermann", line1 = "Unter den Linden 1", city = "Berlin", postalCode = "10117", countryCode = "DE" };

    public static async Task AddToCartAsync(HttpClient client, Buyer buyer, string sku) =>
        await SendAsync(client, HttpMethod.Post, "/v1/carts/me/items", new { sku, quantity = 1 }, buyer);

    /// <summary>The standard option's quote id for one unit of <paramref name="sku"/> to Berlin.</summary>
    public static async Task<string> QuoteAsync(HttpClient client, Buyer buyer, string sku)
    {
        var quotes = await SendAsync(client, HttpMethod.Post, "/v1/shipping:quote", new { address = Berlin, items = new[] { new { sku, quantity = 1 } } }, buyer);
        return quotes.GetProperty("quotes").EnumerateArray()
            .First(quote => quote.GetProperty("option").GetString() == "SHIPPING_OPTION_STANDARD").GetProperty("quoteId").GetString()!;
    }

    /// <summary>PlaceOrder; the order's id and status as the REST edge names it (ORDER_STATUS_FULFILLING when paid and booked).</summary>
    public static async Task<(string OrderId, string Status)> PlaceOrderAsync(HttpClient client, Buyer buyer, string quoteId, string? idempotencyKey = null)
    {
        var placed = await SendAsync(client, HttpMethod.Post, "/v1/orders", new
        {
            idempotencyKey = idempotencyKey ?? Guid.NewGuid().ToString(),
            shippingAddress = Berlin,
            quoteId,
            paymentMethodToken = buyer.PaymentMethodToken,
        }, buyer);
        var order = placed.GetProperty("order");
        return (order.GetProperty("orderId").GetString()!, order.GetProperty("status").GetString()!);
    }

    /// <summary>Whether the customer's cart holds nothing (Cart empties it when it sees the previous order's OrderConfirmed).</summary>
    public static async Task<bool> CartIsEmptyAsync(HttpClient client, Buyer buyer)
    {
        var cart = (await SendAsync(client, HttpMethod.Get, "/v1/carts/me", null, buyer)).GetProperty("cart");
        return !cart.TryGetProperty("lines", out var lines) || lines.GetArrayLength() == 0;
    }

    /// <summary>Where a failed call's <see cref="HttpRequestException"/> keeps the Retry-After the edge sent (a <see cref="TimeSpan"/>).</summary>
    public const string RetryAfterKey = "Retry-After";

    /// <summary>One REST call as <paramref name="buyer"/>, or anonymously without one; the answer's JSON, or an
    /// <see cref="HttpRequestException"/> with the status.</summary>
    public static async Task<JsonElement> SendAsync(HttpClient client, HttpMethod method, string path, object? body, Buyer? buyer)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: Web);
        }
        if (buyer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", buyer.AccessToken);
        }
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            // With the status, so a load generator can count errors by kind.
            var failure = new HttpRequestException($"{method} {path}: {(int)response.StatusCode} {text}", null, response.StatusCode);
            if (response.Headers.RetryAfter?.Delta is { } retryAfter)
            {
                failure.Data[RetryAfterKey] = retryAfter;
            }
            throw failure;
        }
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}
