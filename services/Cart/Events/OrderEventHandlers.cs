using ECommerce.Cart.Carts;
using ECommerce.Contracts.Events.V1;
using ECommerce.EventBus.Consuming;

namespace ECommerce.Cart.Events;

/// <summary>
/// Empties a cart of what was bought once the checkout succeeded (OrderConfirmed on the orders topic).
/// A failed checkout sends no such event, so the cart stays as it was.
/// </summary>
/// <remarks>
/// The change is in Redis, outside the consumer's PostgreSQL transaction, so a batch rolled back and
/// handled again would repeat it: the script records the order id in the cart and applies each order
/// once, whatever the redelivery.
/// </remarks>
internal sealed class OrderEventHandlers(CartKeeper carts, ILogger<OrderEventHandlers> logger) : IEventHandler<OrderConfirmed>
{
    public async Task HandleAsync(OrderConfirmed @event, EventContext context, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(@event.UserId, out var userId))
        {
            logger.LogWarning("OrderConfirmed {OrderId} names no user ({UserId}); no cart to empty", @event.OrderId, @event.UserId);
            return;
        }
        var applied = await carts.RemovePurchasedAsync(CartOwner.User(userId), @event.OrderId,
            @event.Lines.Select(line => (line.Sku, line.Quantity)));
        if (applied)
        {
            logger.LogInformation("Cart of user {UserId} emptied of order {OrderId}", userId, @event.OrderId);
        }
    }
}
