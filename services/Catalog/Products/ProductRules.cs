using System.Text.RegularExpressions;

namespace ECommerce.Catalog.Products;

/// <summary>
/// What makes a product valid: its fixed properties, its specific properties (options) and one
/// variant, with its own SKU and price, per combination of option values.
/// </summary>
internal static partial class ProductRules
{
    public const int MaxOptions = 5;
    public const int MaxValuesPerOption = 50;
    public const int MaxVariants = 500;
    public const int MaxImages = 20;
    public const long MaxWeightGrams = 1_000_000;

    public static void CheckFixedProperties(Product product, FieldViolations violations, ICollection<string>? only = null)
    {
        bool Checks(string field) => only is null || only.Contains(field);
        if (Checks("name"))
        {
            violations.Check(!string.IsNullOrWhiteSpace(product.Name), "product.name", "is required")
                .Check(product.Name.Length <= 200, "product.name", "must be at most 200 characters");
        }
        if (Checks("description"))
        {
            violations.Check(product.Description.Length <= 5000, "product.description", "must be at most 5,000 characters");
        }
        if (Checks("brand"))
        {
            violations.Check(product.Brand.Length <= 100, "product.brand", "must be at most 100 characters");
        }
        if (Checks("category_id"))
        {
            violations.Check(Guid.TryParse(product.CategoryId, out _), "product.category_id", "must be a category id");
        }
        if (Checks("base_price"))
        {
            Prices.Check(product.BasePrice, "product.base_price", violations);
        }
        if (Checks("image_urls"))
        {
            CheckImageUrls(product.ImageUrls, "product.image_urls", violations);
        }
    }

    public static void CheckOptions(IReadOnlyList<ProductOption> options, FieldViolations violations)
    {
        violations.Check(options.Count <= MaxOptions, "product.options", $"must have at most {MaxOptions} options");
        violations.Check(options.Select(option => option.Name.Trim().ToLowerInvariant()).Distinct().Count() == options.Count, "product.options", "must have distinct names");
        for (var i = 0; i < options.Count; i++)
        {
            var option = options[i];
            violations.Check(!string.IsNullOrWhiteSpace(option.Name) && option.Name.Length <= 50, $"product.options[{i}].name", "is required and at most 50 characters")
                .Check(option.Values.Count is > 0 and <= MaxValuesPerOption, $"product.options[{i}].values", $"must have 1 to {MaxValuesPerOption} values")
                .Check(option.Values.All(value => !string.IsNullOrWhiteSpace(value) && value.Length <= 50), $"product.options[{i}].values", "must be non-empty and at most 50 characters each")
                .Check(option.Values.Distinct().Count() == option.Values.Count, $"product.options[{i}].values", "must be distinct");
        }
    }

    public static void CheckImageUrls(IReadOnlyCollection<string> urls, string field, FieldViolations violations) =>
        violations.Check(urls.Count <= MaxImages, field, $"must have at most {MaxImages} images")
            .Check(urls.All(url => Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"), field, "must be absolute http or https URLs");

    /// <summary>
    /// The variants of a new product: the ones given, checked against its options, or, when none
    /// are given, one per combination of option values at the base price (one plain variant for a
    /// product without options). Missing SKUs are derived from the product id; missing prices are the base price.
    /// </summary>
    public static List<Variant> VariantsForNewProduct(Product product, FieldViolations violations)
    {
        var options = product.Options;
        var combinationCount = options.Aggregate(1L, (count, option) => count * Math.Max(1, option.Values.Count));
        if (product.Variants.Count == 0 && combinationCount > MaxVariants)
        {
            violations.Add("product.options", $"make {combinationCount:N0} combinations; at most {MaxVariants} variants are allowed");
            return [];
        }
        var variants = product.Variants.Count > 0
            ? product.Variants.Select(variant => variant.Clone()).ToList()
            : Combinations(options).Select(combination => new Variant { Options = { combination } }).ToList();
        violations.Check(variants.Count <= MaxVariants, "product.variants", $"must have at most {MaxVariants} variants (one per combination of option values)");
        var seenCombinations = new HashSet<string>();
        var seenSkus = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < variants.Count; i++)
        {
            var variant = variants[i];
            var field = $"product.variants[{i}]";
            if (variant.Sku.Length == 0)
            {
                // The id's random tail: its head is a millisecond timestamp (UUIDv7), which two products
                // created in the same millisecond share.
                variant.Sku = $"{Guid.Parse(product.ProductId):N}"[^12..].ToUpperInvariant() + $"-{i + 1:D3}";
            }
            violations.Check(IsValidSku(variant.Sku), $"{field}.sku", "must be 1 to 64 letters, digits, '-', '_' or '.', starting with a letter or digit")
                .Check(seenSkus.Add(variant.Sku), $"{field}.sku", "must be unique");
            if (variant.Price is null)
            {
                variant.Price = product.BasePrice?.Clone();
            }
            else
            {
                Prices.Check(variant.Price, $"{field}.price", violations, product.BasePrice?.CurrencyCode);
            }
            CheckImageUrls(variant.ImageUrls, $"{field}.image_urls", violations);
            CheckWeight(variant.WeightGrams, $"{field}.weight_grams", violations);
            violations.Check(variant.Sale is null, $"{field}.sale", "is set with SetSalePrice once the product exists");
            var matchesOptions = variant.Options.Count == options.Count
                && options.All(option => variant.Options.TryGetValue(option.Name, out var value) && option.Values.Contains(value));
            violations.Check(matchesOptions, $"{field}.options", "must give exactly one of the listed values for each of the product's options");
            var combination = string.Join("\u001f", options.Select(option => variant.Options.GetValueOrDefault(option.Name) ?? ""));
            violations.Check(seenCombinations.Add(combination), $"{field}.options", "must differ from every other variant's (one SKU per combination)");
            variant.Available = 0;
            variant.EffectivePrice = null;
        }
        return variants;
    }

    /// <summary>
    /// The product with the fields named in <paramref name="paths"/> taken from <paramref name="changes"/>; what does
    /// not fit the product as it is (another currency, an unknown SKU) goes to <paramref name="violations"/>.
    /// Variants cannot be added or removed: <c>variants</c> changes the price, images and weight of existing SKUs.
    /// </summary>
    public static Product ApplyChanges(Product current, Product changes, IReadOnlyCollection<string> paths, FieldViolations violations)
    {
        var updated = current.Clone();
        if (paths.Contains("name")) updated.Name = changes.Name.Trim();
        if (paths.Contains("description")) updated.Description = changes.Description;
        if (paths.Contains("brand")) updated.Brand = changes.Brand;
        if (paths.Contains("category_id")) updated.CategoryId = changes.CategoryId;
        if (paths.Contains("image_urls"))
        {
            updated.ImageUrls.Clear();
            updated.ImageUrls.Add(changes.ImageUrls);
        }
        if (paths.Contains("base_price"))
        {
            violations.Check(changes.BasePrice.CurrencyCode == current.BasePrice.CurrencyCode, "product.base_price.currency_code",
                $"must stay the product's currency, {current.BasePrice.CurrencyCode}");
            updated.BasePrice = changes.BasePrice;
        }
        if (paths.Contains("variants"))
        {
            for (var i = 0; i < changes.Variants.Count; i++)
            {
                var change = changes.Variants[i];
                var variant = updated.Variants.FirstOrDefault(existing => existing.Sku == change.Sku);
                if (variant is null)
                {
                    violations.Add($"product.variants[{i}].sku", "must be a SKU of this product; variants cannot be added or removed after creation");
                    continue;
                }
                if (change.Price is not null)
                {
                    violations.Check(change.Price.CurrencyCode == current.BasePrice.CurrencyCode, $"product.variants[{i}].price.currency_code",
                        $"must be the product's currency, {current.BasePrice.CurrencyCode}");
                    variant.Price = change.Price;
                }
                variant.ImageUrls.Clear();
                variant.ImageUrls.Add(change.ImageUrls);
                // 0 is "not sent" in proto3: it keeps the weight (a weight is never set back to unknown).
                if (change.WeightGrams != 0)
                {
                    CheckWeight(change.WeightGrams, $"product.variants[{i}].weight_grams", violations);
                    variant.WeightGrams = change.WeightGrams;
                }
            }
        }
        return updated;
    }

    /// <summary>A shipping weight in grams: 0 (not known) up to a tonne.</summary>
    public static void CheckWeight(long grams, string field, FieldViolations violations) =>
        violations.Check(grams is >= 0 and <= MaxWeightGrams, field, $"must be 0 (not known) to {MaxWeightGrams:N0} grams");

    public static bool IsValidSku(string sku) => Sku().IsMatch(sku);

    /// <summary>Every combination of option values, in option order: size S/M × colour red/blue → S-red, S-blue, M-red, M-blue.</summary>
    public static IEnumerable<Dictionary<string, string>> Combinations(IReadOnlyList<ProductOption> options)
    {
        IEnumerable<Dictionary<string, string>> combinations = [[]];
        foreach (var option in options)
        {
            var current = option;
            combinations = combinations.SelectMany(partial => current.Values.Select(value => new Dictionary<string, string>(partial) { [current.Name] = value }));
        }
        return combinations;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex Sku();
}
