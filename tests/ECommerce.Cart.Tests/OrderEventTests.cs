using Confluent.Kafka;
using ECommerce.Contracts.Cart.V1;
using ECommerce.Contracts.Events.V1;
using ECommerce.EventBus;
using Google.Protobuf;

namespace ECommerce.Cart.Tests;

/// <summary>A confirmed order takes what it bought out of the cart, once, however often the event arrives.</summary>
public sealed class OrderEventTests(CartTestEnvironment shop)
{
    [Fact]
    public async Task A_confirmed_order_empties_the_cart_of_what_it_bought_once()
    {
        var product = await shop.NewProductAsync(stock: 20);
        var (bought, other) = (product.Variants[0].Sku, product.Variants[1].Sku);
        var (userId, customer) = await shop.NewCustomerAsync();
        var carts = shop.Carts;
        await carts.AddItemAsync(new AddItemRequest { CartId = "me", Sku = bought, Quantity = 2 }, customer);
        await carts.AddItemAsync(new AddItemRequest { CartId = "me", Sku = other, Quantity = 1 }, customer);
        var confirmed = new OrderConfirmed
        {
            OrderId = $"order-{Guid.NewGuid():N}",
            UserId = userId,
            Lines =
            {
                new OrderLineSnapshot { Sku = bought, Quantity = 2, UnitPrice = CartTestEnvironment.Euros(12, 750_000_000) },
                new OrderLineSnapshot { Sku = other, Quantity = 1, UnitPrice = CartTestEnvironment.Euros(12, 750_000_000) },
            },
        };

        await PublishAsync(confirmed, confirmed.OrderId);
        var emptied = await EventuallyAsync(async () => (await carts.GetCartAsync(new GetCartRequest { CartId = "me" }, customer)).Cart, cart => cart.Lines.Count == 0);
        // Added after the purchase; the same order delivered again (a new event id, as a re-published outbox row would
        // be) must not take it away.
        await carts.AddItemAsync(new AddItemRequest { CartId = "me", Sku = bought, Quantity = 2 }, customer);
        await PublishAsync(confirmed, confirmed.OrderId);
        var marker = new OrderConfirmed { OrderId = $"order-{Guid.NewGuid():N}", UserId = userId, Lines = { new OrderLineSnapshot { Sku = other, Quantity = 1 } } };
        await carts.AddItemAsync(new AddItemRequest { CartId = "me", Sku = other, Quantity = 1 }, customer);
        // Keyed like the repeat, so it lands behind it on the same partition: once its effect shows, the repeat was handled.
        await PublishAsync(marker, confirmed.OrderId);
        var after = await EventuallyAsync(async () => (await carts.GetCartAsync(new GetCartRequest { CartId = "me" }, customer)).Cart,
            cart => cart.Lines.All(line => line.Sku != other));

        Assert.Empty(emptied.SavedForLater);
        Assert.Equal([(bought, 2L)], after.Lines.Select(line => (line.Sku, line.Quantity)));
    }

    private async Task PublishAsync(OrderConfirmed confirmed, string key)
    {
        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = shop.Infrastructure.Kafka.BootstrapServers }).Build();
        var headers = new Headers();
        EventHeaders.Set(headers, EventHeaders.SpecVersion, "1.0");
        EventHeaders.Set(headers, EventHeaders.Id, Guid.NewGuid().ToString());
        EventHeaders.Set(headers, EventHeaders.Type, OrderConfirmed.Descriptor.FullName);
        EventHeaders.Set(headers, EventHeaders.Source, "orders");
        EventHeaders.Set(headers, EventHeaders.Time, EventHeaders.FormatTime(DateTimeOffset.UtcNow));
        EventHeaders.Set(headers, EventHeaders.ContentType, EventHeaders.ProtobufContentType);
        await producer.ProduceAsync(shop.Cart.OrdersTopic, new Message<string, byte[]> { Key = key, Value = confirmed.ToByteArray(), Headers = headers });
    }

    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var value = await read();
            if (done(value) || DateTime.UtcNow > deadline)
            {
                return value;
            }
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }
}
