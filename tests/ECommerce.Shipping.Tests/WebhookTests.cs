using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ECommerce.Contracts.Shipping.V1;
using ECommerce.ServiceDefaults.Webhooks;

namespace ECommerce.Shipping.Tests;

/// <summary>The carrier's webhooks: signed with the shared secret, within the replay window, handled once per event.</summary>
public sealed class WebhookTests(ShippingTestEnvironment shop)
{
    [Fact]
    public async Task A_signed_webhook_moves_the_shipment_once_however_often_it_is_delivered()
    {
        var booked = await shop.BookedAsync();
        var body = await PickedUpAsync(booked.ShipmentId);

        var first = await DeliverAsync(body, WebhookSignature.Sign(shop.Shop.WebhookSecret, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), body));
        var duplicate = await DeliverAsync(body, WebhookSignature.Sign(shop.Shop.WebhookSecret, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), body));
        var events = await shop.Events.WaitForAsync(booked.OrderId, found => found.Count >= 2);
        await Task.Delay(500);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first, duplicate));
        var shipment = await shop.EventuallyAsync(booked.ShipmentId, _ => true);
        Assert.Equal(ShipmentStatus.PickedUp, shipment.Status);
        Assert.Equal(2, shipment.Tracking.Count);
        Assert.Equal(["ShipmentCreated", "ShipmentShipped"], ShipmentEventLog.Names(shop.Events.Of(booked.OrderId)));
        Assert.Equal(2, events.Count);
    }

    [Fact]
    public async Task A_forged_tampered_unsigned_or_replayed_webhook_changes_nothing()
    {
        var booked = await shop.BookedAsync();
        var body = await PickedUpAsync(booked.ShipmentId);
        var now = DateTimeOffset.UtcNow;
        var secret = shop.Shop.WebhookSecret;

        var forged = await DeliverAsync(body, WebhookSignature.Sign("not the secret", now.ToUnixTimeSeconds(), body));
        var tampered = await DeliverAsync(body.Replace("Picked up", "Picked up!"), WebhookSignature.Sign(secret, now.ToUnixTimeSeconds(), body));
        var unsigned = await DeliverAsync(body, null);
        var garbled = await DeliverAsync(body, "t=abc,v1=xyz");
        var replayedLater = await DeliverAsync(body, WebhookSignature.Sign(secret, now.AddMinutes(-6).ToUnixTimeSeconds(), body));
        var fromTheFuture = await DeliverAsync(body, WebhookSignature.Sign(secret, now.AddMinutes(6).ToUnixTimeSeconds(), body));

        Assert.All([forged, tampered, unsigned, garbled, replayedLater, fromTheFuture], status => Assert.Equal(HttpStatusCode.BadRequest, status));
        Assert.Equal("label_created", await shop.Shop.QueryAsync<string>("SELECT status FROM shipments WHERE shipment_id = $1", Guid.Parse(booked.ShipmentId)));
        Assert.Equal(0L, await shop.Shop.QueryAsync<long>("SELECT count(*) FROM tracking_events WHERE shipment_id = $1 AND status = 'picked_up'", Guid.Parse(booked.ShipmentId)));
    }

    /// <summary>A webhook as the carrier would send it for the shipment's pickup, made here (the carrier's own parcel, one event later).</summary>
    private async Task<string> PickedUpAsync(string shipmentId)
    {
        var parcel = JsonNode.Parse((await shop.Shop.Carrier.ParcelsAsync(shipmentId)).Single().GetRawText())!.AsObject();
        parcel["status"] = "picked_up";
        parcel["label"] = null;
        parcel["events"]!.AsArray().Add(new JsonObject
        {
            ["id"] = $"trk_{Guid.NewGuid():N}", ["status"] = "picked_up", ["occurred_at"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["location"] = "Shop warehouse, Berlin", ["description"] = "Picked up",
        });
        return JsonSerializer.Serialize(new { id = $"evt_{Guid.NewGuid():N}", type = "shipment.updated", created = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), data = parcel });
    }

    private async Task<HttpStatusCode> DeliverAsync(string body, string? signature)
    {
        using var http = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(shop.Shop.Process.Address, "/webhooks/carrier"))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        if (signature is not null)
        {
            request.Headers.Add("Carrier-Signature", signature);
        }
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }
}
