using ECommerce.Contracts.Cart.V1;
using ECommerce.LocalInfrastructure.Redis;
using Grpc.Core;

namespace ECommerce.Cart.Tests;

/// <summary>Carts outlive the Cart service and Redis itself (append-only file on, as the AppHost runs it).</summary>
public sealed class PersistenceTests(CartTestEnvironment shop)
{
    [Fact]
    public async Task A_cart_survives_a_cart_restart_and_a_redis_restart()
    {
        await using var redis = await RedisServer.StartAsync(new RedisServerOptions { AppendOnly = true });
        var product = await shop.NewProductAsync(stock: 10);
        var (_, customer) = await shop.NewCustomerAsync();
        var settings = new Dictionary<string, string> { ["Cart:KeyPrefix"] = "restart:" };
        Metadata guest;
        await using (var first = await CartHost.StartAsync(shop, settings, redis.ConnectionString))
        {
            await first.Client.AddItemAsync(new AddItemRequest { CartId = "me", Sku = product.Variants[0].Sku, Quantity = 3 }, customer);
            guest = await shop.NewGuestAsync(first);
            await first.Client.AddItemAsync(new AddItemRequest { CartId = "guest", Sku = product.Variants[1].Sku, Quantity = 2 }, guest);
        }

        await redis.StopAsync();
        await redis.StartAsync(TestContext.Current.CancellationToken);
        await using var second = await CartHost.StartAsync(shop, settings, redis.ConnectionString);
        var userCart = (await UntilRedisAnswersAsync(() => second.Client.GetCartAsync(new GetCartRequest { CartId = "me" }, customer).ResponseAsync)).Cart;
        var guestCart = (await second.Client.GetCartAsync(new GetCartRequest { CartId = "guest" }, guest)).Cart;

        Assert.Equal([(product.Variants[0].Sku, 3L)], userCart.Lines.Select(line => (line.Sku, line.Quantity)));
        Assert.Equal([(product.Variants[1].Sku, 2L)], guestCart.Lines.Select(line => (line.Sku, line.Quantity)));
    }

    /// <summary>The new host's first connection may still be opening: try again on UNAVAILABLE/INTERNAL for a while.</summary>
    private static async Task<T> UntilRedisAnswersAsync<T>(Func<Task<T>> call)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (RpcException e) when (attempt < 50 && e.StatusCode is StatusCode.Unavailable or StatusCode.Internal or StatusCode.Unknown)
            {
                await Task.Delay(200, TestContext.Current.CancellationToken);
            }
        }
    }
}
