using ECommerce.Contracts.Common.V1;
using ECommerce.Contracts.Events.V1;
using ECommerce.Contracts.Search.V1;
using Google.Protobuf.WellKnownTypes;

namespace ECommerce.Search.Tests;

/// <summary>
/// Products for one test: all under a category tree of its own (a root and a sub-category), so
/// tests sharing the service see only their own products by searching within <see cref="Root"/>.
/// </summary>
public sealed class TestCatalog
{
    public string Root { get; } = "root-" + Guid.NewGuid().ToString("N");
    public string Child { get; } = "child-" + Guid.NewGuid().ToString("N");

    public ProductSnapshot Product(string name, string brand = "Acme", string description = "A sturdy everyday product.",
        decimal price = 50m, long available = 10, bool inSubCategory = false, string colour = "black", long version = 1)
    {
        var productId = Guid.NewGuid().ToString();
        return new ProductSnapshot
        {
            ProductId = productId,
            Name = name,
            Description = description,
            Brand = brand,
            CategoryId = inSubCategory ? Child : Root,
            CategoryPath = { inSubCategory ? [Root, Child] : new[] { Root } },
            ImageUrls = { $"https://img.shop.example/{productId}.jpg" },
            CreatedAt = Timestamp.FromDateTime(DateTime.UtcNow),
            Version = version,
            Variants =
            {
                new VariantSnapshot
                {
                    Sku = $"{productId}-1",
                    Options = { ["colour"] = colour, ["size"] = "M" },
                    Price = Eur(price),
                    EffectivePrice = Eur(price),
                    Available = available,
                },
            },
        };
    }

    /// <summary>A search within this catalog's products only.</summary>
    public SearchRequest Search(string query = "") => new() { Query = query, CategoryId = Root };

    public static Money Eur(decimal amount) => new() { CurrencyCode = "EUR", Units = (long)amount, Nanos = (int)((amount - decimal.Truncate(amount)) * 1_000_000_000m) };

    public static decimal Amount(Money money) => money.Units + money.Nanos / 1_000_000_000m;
}
