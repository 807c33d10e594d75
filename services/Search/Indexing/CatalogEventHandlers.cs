using ECommerce.Contracts.Events.V1;
using ECommerce.EventBus.Consuming;
using ECommerce.Search.Engine;

namespace ECommerce.Search.Indexing;

/// <summary>
/// Turns catalog events into index changes. Each runs inside the event's own transaction (see
/// <see cref="IEventHandler{TEvent}"/>), so a redelivered event changes nothing.
/// </summary>
internal sealed class CatalogEventHandlers(ISearchEngine engine) :
    IEventHandler<ProductCreated>,
    IEventHandler<ProductUpdated>,
    IEventHandler<ProductDeleted>,
    IEventHandler<PriceChanged>,
    IEventHandler<InventoryChanged>
{
    public Task HandleAsync(ProductCreated @event, EventContext context, CancellationToken cancellationToken) =>
        engine.ApplyAsync(new IndexChange.Upsert(@event.Product), context, cancellationToken);

    public Task HandleAsync(ProductUpdated @event, EventContext context, CancellationToken cancellationToken) =>
        engine.ApplyAsync(new IndexChange.Upsert(@event.Product), context, cancellationToken);

    public Task HandleAsync(ProductDeleted @event, EventContext context, CancellationToken cancellationToken) =>
        engine.ApplyAsync(new IndexChange.Delete(@event.ProductId, @event.Version), context, cancellationToken);

    /// <summary>The new price is what a shopper pays now: the variant's effective price.</summary>
    public Task HandleAsync(PriceChanged @event, EventContext context, CancellationToken cancellationToken) =>
        engine.ApplyAsync(new IndexChange.PriceChange(@event.ProductId, @event.Sku, @event.NewPrice.ToDecimal(), @event.NewPrice.CurrencyCode),
            context, cancellationToken);

    public Task HandleAsync(InventoryChanged @event, EventContext context, CancellationToken cancellationToken) =>
        engine.ApplyAsync(new IndexChange.StockChange(@event.Sku, @event.Available), context, cancellationToken);
}
