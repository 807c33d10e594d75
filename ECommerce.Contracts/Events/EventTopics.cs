using ECommerce.Contracts.Events.V1;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace ECommerce.Contracts.Events;

/// <summary>
/// The Kafka topic of every domain event, declared once: producers (the outbox), consumers
/// (<c>AddSubscription&lt;TEvent, THandler&gt;()</c>) and the AppHost, which creates the topics, all read it here.
/// </summary>
/// <remarks>Events of one aggregate share a topic, keyed by the aggregate's id, so they keep their order.</remarks>
public static class EventTopics
{
    /// <summary>UserRegistered, UserProfileUpdated; key: user id.</summary>
    public const string Users = "users";

    /// <summary>ProductCreated, ProductUpdated, ProductDeleted, PriceChanged; key: product id.</summary>
    public const string CatalogProducts = "catalog.products";

    /// <summary>InventoryChanged, StockLevelLow; key: SKU.</summary>
    public const string CatalogInventory = "catalog.inventory";

    /// <summary>OrderPlaced, OrderStockConfirmed, OrderPaid, OrderShipped, OrderDelivered, OrderConfirmed, OrderCancelled, OrderRefunded; key: order id.</summary>
    public const string Orders = "orders";

    /// <summary>PaymentAuthorized, PaymentCaptured, PaymentFailed, PaymentVoided, PaymentRefunded; key: order id.</summary>
    public const string Payments = "payments";

    /// <summary>ShipmentCreated, ShipmentShipped, ShipmentDelivered, ShipmentException, ShipmentCancelled, ReturnReceived; key: order id.</summary>
    public const string Shipments = "shipments";

    /// <summary>ErrorRateSpiked, from the Logging service; key: the service whose errors spiked.</summary>
    public const string LoggingAlerts = "logging.alerts";

    /// <summary>
    /// Every service's log records (<c>LogRecord</c>), key: service name. Not a domain event topic: records are sent
    /// straight from each service's logger, not through the outbox, so it is not in <see cref="All"/>.
    /// </summary>
    public const string Logs = "logs";

    private static readonly Dictionary<string, string> TopicByEvent = new()
    {
        [UserRegistered.Descriptor.FullName] = Users,
        [UserProfileUpdated.Descriptor.FullName] = Users,
        [ProductCreated.Descriptor.FullName] = CatalogProducts,
        [ProductUpdated.Descriptor.FullName] = CatalogProducts,
        [ProductDeleted.Descriptor.FullName] = CatalogProducts,
        [PriceChanged.Descriptor.FullName] = CatalogProducts,
        [InventoryChanged.Descriptor.FullName] = CatalogInventory,
        [StockLevelLow.Descriptor.FullName] = CatalogInventory,
        [OrderPlaced.Descriptor.FullName] = Orders,
        [OrderStockConfirmed.Descriptor.FullName] = Orders,
        [OrderPaid.Descriptor.FullName] = Orders,
        [OrderShipped.Descriptor.FullName] = Orders,
        [OrderDelivered.Descriptor.FullName] = Orders,
        [OrderRefunded.Descriptor.FullName] = Orders,
        [OrderConfirmed.Descriptor.FullName] = Orders,
        [OrderCancelled.Descriptor.FullName] = Orders,
        [PaymentAuthorized.Descriptor.FullName] = Payments,
        [PaymentCaptured.Descriptor.FullName] = Payments,
        [PaymentFailed.Descriptor.FullName] = Payments,
        [PaymentVoided.Descriptor.FullName] = Payments,
        [PaymentRefunded.Descriptor.FullName] = Payments,
        [ShipmentCreated.Descriptor.FullName] = Shipments,
        [ShipmentShipped.Descriptor.FullName] = Shipments,
        [ShipmentDelivered.Descriptor.FullName] = Shipments,
        [ShipmentException.Descriptor.FullName] = Shipments,
        [ShipmentCancelled.Descriptor.FullName] = Shipments,
        [ReturnReceived.Descriptor.FullName] = Shipments,
        [ErrorRateSpiked.Descriptor.FullName] = LoggingAlerts,
    };

    /// <summary>Every topic an event above travels on, for whoever creates them.</summary>
    public static IReadOnlyList<string> All { get; } = TopicByEvent.Values.Distinct().ToArray();

    public static string Of<TEvent>() where TEvent : IMessage<TEvent>, new() => Of(new TEvent().Descriptor);

    public static string Of(MessageDescriptor eventType) =>
        TopicByEvent.TryGetValue(eventType.FullName, out var topic)
            ? topic
            : throw new InvalidOperationException($"{eventType.FullName} has no topic: declare it in {nameof(EventTopics)}.");
}
