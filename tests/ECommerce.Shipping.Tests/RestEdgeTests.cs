using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ECommerce.Gateway;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace ECommerce.Shipping.Tests;

/// <summary>The storefront's shipping routes through the real REST edge (the Gateway, in this process) to the Shipping process.</summary>
public sealed class RestEdgeTests(ShippingTestEnvironment shop) : IAsyncLifetime
{
    private WebApplicationFactory<GatewayOptions> _gateway = null!;
    private HttpClient _http = null!;

    public ValueTask InitializeAsync()
    {
        _gateway = new WebApplicationFactory<GatewayOptions>().WithWebHostBuilder(host =>
        {
            host.UseSetting("Logging:LogLevel:Default", "Warning");
            host.UseSetting(shop.Users.DiscoverySetting.Key, shop.Users.DiscoverySetting.Value);
            host.UseSetting("services:shipping:grpc:0", shop.Shop.Process.Address.ToString());
        });
        _gateway.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http1));
        _gateway.StartServer();
        _http = new HttpClient { BaseAddress = new Uri(_gateway.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single()) };
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _gateway.DisposeAsync();
    }

    [Fact]
    public async Task A_customer_quotes_a_cart_and_tracks_the_shipment_over_rest_and_a_stranger_cannot()
    {
        var sku = (await shop.NewSkusAsync(1500))[0];
        var customerToken = shop.Customer.Single(entry => entry.Key == "authorization").Value;

        using var quoteRequest = new HttpRequestMessage(HttpMethod.Post, "/v1/shipping:quote")
        {
            Content = JsonContent.Create(new
            {
                address = new { recipientName = "Erika Mustermann", line1 = "Unter den Linden 1", city = "Berlin", postalCode = "10117", countryCode = "DE" },
                items = new[] { new { sku, quantity = 1 } },
            }),
        };
        quoteRequest.Headers.Authorization = AuthenticationHeaderValue.Parse(customerToken);
        using var quoted = await _http.SendAsync(quoteRequest);
        var quotes = (await quoted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("quotes");
        var booked = await shop.BookedAsync();
        using var tracking = new HttpRequestMessage(HttpMethod.Get, $"/v1/shipments/{booked.ShipmentId}");
        tracking.Headers.Authorization = AuthenticationHeaderValue.Parse(customerToken);
        using var tracked = await _http.SendAsync(tracking);
        using var anonymous = await _http.GetAsync($"/v1/shipments/{booked.ShipmentId}");

        Assert.Equal(HttpStatusCode.OK, quoted.StatusCode);
        Assert.Equal(["SHIPPING_OPTION_STANDARD", "SHIPPING_OPTION_EXPRESS", "SHIPPING_OPTION_OVERNIGHT"],
            quotes.EnumerateArray().Select(quote => quote.GetProperty("option").GetString()));
        Assert.Equal("5", quotes[0].GetProperty("price").GetProperty("units").GetString());
        Assert.Equal(HttpStatusCode.OK, tracked.StatusCode);
        Assert.Equal(booked.TrackingNumber, (await tracked.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("shipment").GetProperty("trackingNumber").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }
}
