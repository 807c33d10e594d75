using ECommerce.Contracts.Events.V1;

namespace ECommerce.Search.Engine.Postgres;

/// <summary>A product snapshot in the shape of the products table: what search filters, sorts and facets on.</summary>
internal sealed record ProductRow(
    string ProductId,
    long Version,
    string Name,
    string Description,
    string Brand,
    string CategoryId,
    string[] CategoryPath,
    string ImageUrl,
    DateTimeOffset CreatedAt,
    string[] Attributes,
    string AttributeText,
    string? CurrencyCode,
    decimal? Price,
    bool InStock)
{
    /// <summary>
    /// How an option value is stored and filtered on: "name=value". Names are split at the first
    /// '=', so values may contain one.
    /// </summary>
    public static string Attribute(string name, string value) => $"{name}={value}";

    public static ProductRow From(ProductSnapshot product)
    {
        var options = product.Variants.SelectMany(variant => variant.Options).ToList();
        var cheapest = product.Variants
            .Where(variant => variant.EffectivePrice is not null)
            .MinBy(variant => variant.EffectivePrice.ToDecimal());
        return new ProductRow(
            product.ProductId,
            product.Version,
            product.Name,
            product.Description,
            product.Brand,
            product.CategoryId,
            // A path without the product's own category still finds it by that category.
            [.. product.CategoryPath.Append(product.CategoryId).Where(id => id.Length > 0).Distinct()],
            product.ImageUrls.FirstOrDefault() ?? "",
            product.CreatedAt?.ToDateTimeOffset() ?? DateTimeOffset.UnixEpoch,
            [.. options.Select(option => Attribute(option.Key, option.Value)).Distinct().Order(StringComparer.Ordinal)],
            string.Join(' ', options.Select(option => option.Value).Distinct()),
            cheapest?.EffectivePrice.CurrencyCode,
            cheapest is null ? null : cheapest.EffectivePrice.ToDecimal(),
            product.Variants.Any(variant => variant.Available > 0));
    }
}
