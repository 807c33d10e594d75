using ECommerce.Contracts.Events;

namespace ECommerce.Cart;

/// <summary>The "Cart" configuration section.</summary>
public sealed class CartOptions
{
    /// <summary>Distinct lines a cart may hold; the saved-for-later list has the same limit.</summary>
    public int MaxLines { get; set; } = 100;

    /// <summary>Units one line may hold.</summary>
    public int MaxQuantityPerLine { get; set; } = 99;

    /// <summary>A guest cart expires after this long without being read or changed.</summary>
    public TimeSpan GuestCartLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Prefix of every Redis key, so several carts services (or test runs) can share one Redis.</summary>
    public string KeyPrefix { get; set; } = "";

    /// <summary>The Kafka topic of the order events that empty a cart after a purchase.</summary>
    public string OrdersTopic { get; set; } = EventTopics.Orders;

    /// <summary>The currency of an empty cart's zero subtotal; a cart takes its first line's currency.</summary>
    public string DefaultCurrency { get; set; } = "EUR";
}
