using Google.Protobuf.WellKnownTypes;

namespace ECommerce.Catalog.DemoData;

/// <summary>
/// A generated shop to browse on first run: a two-level category tree and products with options
/// and variants, each with stock. The same seed always gives the same catalog, ids included.
/// </summary>
internal static class DemoCatalog
{
    public const int DefaultProductCount = 1200;
    private const int Seed = 20261123;
    private static readonly DateTimeOffset Opening = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly (string Name, string[] Brands, (string Name, string Noun, Func<Random, ProductOption[]> Options)[] Leaves)[] Tree =
    [
        ("Clothing", ["Northwind", "Fjordline", "Urban Loom"],
        [
            ("T-shirts", "T-shirt", r => [Pick(r, "size", 2, 5, "XS", "S", "M", "L", "XL"), Pick(r, "colour", 1, 3, "black", "white", "navy", "red", "green")]),
            ("Hoodies", "Hoodie", r => [Pick(r, "size", 2, 4, "S", "M", "L", "XL"), Pick(r, "colour", 1, 3, "grey", "black", "forest", "sand")]),
            ("Jeans", "Jeans", r => [Pick(r, "waist", 3, 5, "28", "30", "32", "34", "36"), Pick(r, "fit", 1, 2, "slim", "regular")]),
        ]),
        ("Shoes", ["Stride", "Peak & Trail", "Cobble"],
        [
            ("Running shoes", "Running shoe", r => [Pick(r, "size", 3, 6, "38", "39", "40", "41", "42", "43", "44", "45"), Pick(r, "colour", 1, 2, "black", "blue", "orange")]),
            ("Boots", "Boot", r => [Pick(r, "size", 3, 5, "39", "40", "41", "42", "43", "44")]),
            ("Sandals", "Sandal", r => [Pick(r, "size", 2, 4, "37", "38", "39", "40", "41", "42")]),
        ]),
        ("Food & drink", ["Bean Bros", "Leafwell", "Crunchy Co."],
        [
            ("Coffee", "Coffee", r => [Pick(r, "weight", 1, 2, "250 g", "1 kg"), Pick(r, "grind", 1, 3, "whole bean", "espresso", "filter")]),
            ("Tea", "Tea", r => [Pick(r, "flavour", 1, 4, "earl grey", "mint", "chai", "jasmine", "lemon")]),
            ("Snacks", "Snack bar", r => [Pick(r, "flavour", 1, 4, "salted caramel", "peanut", "chocolate", "berry")]),
        ]),
        ("Home", ["Hearth", "Lumen", "Quiet Nights"],
        [
            ("Kitchen", "Pan", r => [Pick(r, "size", 1, 3, "20 cm", "24 cm", "28 cm")]),
            ("Bedding", "Duvet cover", r => [Pick(r, "size", 1, 3, "single", "double", "king"), Pick(r, "colour", 1, 3, "white", "sage", "charcoal")]),
            ("Lighting", "Lamp", r => [Pick(r, "colour", 1, 3, "brass", "black", "white")]),
        ]),
        ("Sports", ["Velo", "Summit", "Flowmat"],
        [
            ("Cycling", "Cycling jersey", r => [Pick(r, "size", 2, 4, "S", "M", "L", "XL")]),
            ("Camping", "Tent", r => []),
            ("Yoga", "Yoga mat", r => [Pick(r, "colour", 1, 4, "purple", "teal", "black", "coral")]),
        ]),
        ("Electronics", ["Voltix", "Soundwave", "Linkup"],
        [
            ("Headphones", "Headphones", r => [Pick(r, "colour", 1, 3, "black", "white", "blue")]),
            ("Chargers", "Charger", r => [Pick(r, "power", 1, 3, "20 W", "45 W", "65 W")]),
            ("Cables", "Cable", r => [Pick(r, "length", 1, 3, "1 m", "2 m", "3 m"), Pick(r, "colour", 1, 2, "black", "white")]),
        ]),
    ];

    /// <summary>Shipping weight in grams of one of each kind, packaging included (a bigger variant weighs a fifth more).</summary>
    private static readonly Dictionary<string, long> Grams = new()
    {
        ["T-shirt"] = 250, ["Hoodie"] = 700, ["Jeans"] = 800, ["Running shoe"] = 1100, ["Boot"] = 1800, ["Sandal"] = 600,
        ["Coffee"] = 600, ["Tea"] = 200, ["Snack bar"] = 150, ["Pan"] = 1600, ["Duvet cover"] = 1200, ["Lamp"] = 2200,
        ["Cycling jersey"] = 300, ["Tent"] = 3500, ["Yoga mat"] = 1500, ["Headphones"] = 500, ["Charger"] = 250, ["Cable"] = 120,
    };

    private static readonly string[] Adjectives =
        ["Classic", "Everyday", "Premium", "Lightweight", "Organic", "Recycled", "Pro", "Essential", "Vintage", "Compact", "Deluxe", "Eco"];

    public static DemoCatalogData Generate(int productCount = DefaultProductCount)
    {
        var random = new Random(Seed);
        var categories = new List<Category>();
        var leaves = new List<(Category Category, string[] CategoryPath, string[] Brands, string Noun, Func<Random, ProductOption[]> Options)>();
        foreach (var (name, brands, children) in Tree)
        {
            var parent = new Category { CategoryId = NewId(random).ToString(), Name = name, Slug = Slug(name), Description = $"Demo category: {name}." };
            categories.Add(parent);
            foreach (var leaf in children)
            {
                var child = new Category
                {
                    CategoryId = NewId(random).ToString(), ParentId = parent.CategoryId, Name = leaf.Name, Slug = Slug(leaf.Name), Description = $"Demo category: {leaf.Name}.",
                };
                categories.Add(child);
                leaves.Add((child, [parent.CategoryId, child.CategoryId], brands, leaf.Noun, leaf.Options));
            }
        }

        var products = new List<DemoProduct>();
        for (var i = 0; i < productCount; i++)
        {
            var leaf = leaves[random.Next(leaves.Count)];
            var brand = leaf.Brands[random.Next(leaf.Brands.Length)];
            var basePrice = Prices.ToMoney("EUR", random.Next(4, 200) + 0.99m);
            var created = Timestamp.FromDateTimeOffset(Opening.AddMinutes(i));
            var product = new Product
            {
                ProductId = NewId(random).ToString(),
                Name = $"{brand} {Adjectives[random.Next(Adjectives.Length)]} {leaf.Noun} {i + 1}",
                Description = $"A demo {leaf.Noun.ToLowerInvariant()} by {brand}, generated so a new shop has something to browse.",
                Brand = brand,
                CategoryId = leaf.Category.CategoryId,
                BasePrice = basePrice,
                Options = { leaf.Options(random) },
                ImageUrls = { $"https://images.shop.example/demo/products/{i + 1}.jpg" },
                CreatedAt = created,
                UpdatedAt = created,
                Etag = "1",
            };
            var stock = new List<long>();
            var combinations = Products.ProductRules.Combinations(product.Options).ToList();
            for (var v = 0; v < combinations.Count; v++)
            {
                // Every third variant costs a little more (a bigger size, a larger pack).
                var price = v % 3 == 2 ? Prices.ToMoney("EUR", Prices.ToDecimal(basePrice) + 2) : basePrice.Clone();
                var variant = new Variant
                {
                    Sku = $"DEMO-{i + 1:D5}-{v + 1:D2}", Options = { combinations[v] }, Price = price,
                    WeightGrams = v % 3 == 2 ? Grams[leaf.Noun] * 6 / 5 : Grams[leaf.Noun],
                };
                variant.ImageUrls.Add($"https://images.shop.example/demo/skus/{variant.Sku}.jpg");
                // Some SKUs sold out, most in stock.
                variant.Available = random.Next(10) == 0 ? 0 : random.Next(1, 250);
                product.Variants.Add(variant);
            }
            products.Add(new DemoProduct(product, leaf.CategoryPath));
        }
        return new DemoCatalogData(categories, products);
    }

    private static ProductOption Pick(Random random, string name, int min, int max, params string[] values)
    {
        var count = Math.Min(values.Length, random.Next(min, max + 1));
        var start = random.Next(values.Length - count + 1);
        return new ProductOption { Name = name, Values = { values[start..(start + count)] } };
    }

    private static Guid NewId(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        bytes[7] = (byte)(bytes[7] & 0x0F | 0x40); // version 4 layout, deterministic content
        bytes[8] = (byte)(bytes[8] & 0x3F | 0x80);
        return new Guid(bytes);
    }

    private static string Slug(string name) =>
        string.Join('-', new string(name.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : ' ').ToArray())
            .Split(' ', StringSplitOptions.RemoveEmptyEntries));
}

internal sealed record DemoProduct(Product Product, string[] CategoryPath);

internal sealed record DemoCatalogData(IReadOnlyList<Category> Categories, IReadOnlyList<DemoProduct> Products);
