using Npgsql;
using NpgsqlTypes;

namespace ECommerce.Search.Benchmarks;

/// <summary>
/// A reproducible catalog of any size written straight into the read model with binary COPY: the
/// latency figures need 100,000 products, and sending that many events would measure the event bus instead.
/// </summary>
internal static class SyntheticCatalog
{
    public static readonly string[] Adjectives = ["trail", "road", "waterproof", "merino", "classic", "ultralight", "insulated", "canvas", "leather", "vintage",
        "compact", "heavy", "breathable", "reflective", "organic", "padded", "foldable", "rugged", "slim", "thermal"];
    public static readonly string[] Nouns = ["sneakers", "boots", "jacket", "socks", "backpack", "tent", "lamp", "kettle", "umbrella", "gloves",
        "scarf", "bottle", "helmet", "shorts", "sandals", "hoodie", "blanket", "mug", "wallet", "watch"];
    public static readonly string[] Colours = ["black", "white", "red", "blue", "green", "grey", "yellow", "navy"];
    public static readonly string[] Sizes = ["XS", "S", "M", "L", "XL"];
    private static readonly string[] Fillers = ["made", "for", "everyday", "use", "with", "durable", "stitching", "and", "a", "lifetime", "warranty",
        "comfortable", "fit", "light", "strong", "easy", "care", "recycled", "materials"];

    public const int Brands = 50;
    public const int RootCategories = 10;
    public const int ChildCategories = 10;

    public static string Brand(int n) => $"brand{n:00}";

    public static string Category(int root, int child = -1) => child < 0 ? $"cat-{root}" : $"cat-{root}-{child}";

    public static async Task WriteAsync(NpgsqlDataSource dataSource, int count)
    {
        var random = new Random(42);
        await using var connection = await dataSource.OpenConnectionAsync();
        await using (var writer = await connection.BeginBinaryImportAsync("""
            COPY products (product_id, version, name, description, brand, category_id, category_path, image_url, created_at,
                           attributes, attribute_text, currency_code, price, in_stock) FROM STDIN (FORMAT BINARY)
            """))
        {
            var start = DateTimeOffset.UtcNow.AddDays(-365);
            for (var i = 0; i < count; i++)
            {
                var name = $"{Pick(random, Adjectives)} {Pick(random, Nouns)} {i}";
                var description = string.Join(' ', Enumerable.Range(0, 12).Select(_ => Pick(random, Fillers)));
                var (root, child) = (random.Next(RootCategories), random.Next(ChildCategories));
                var colour = Pick(random, Colours);
                var sizes = Sizes.Where(_ => random.Next(2) == 0).DefaultIfEmpty("M").ToArray();
                string[] attributes = [$"colour={colour}", .. sizes.Select(size => $"size={size}")];
                await writer.StartRowAsync();
                await writer.WriteAsync($"bench-{i}", NpgsqlDbType.Text);
                await writer.WriteAsync(1L, NpgsqlDbType.Bigint);
                await writer.WriteAsync(char.ToUpperInvariant(name[0]) + name[1..], NpgsqlDbType.Text);
                await writer.WriteAsync(description, NpgsqlDbType.Text);
                await writer.WriteAsync(Brand(random.Next(Brands)), NpgsqlDbType.Text);
                await writer.WriteAsync(Category(root, child), NpgsqlDbType.Text);
                await writer.WriteAsync(new[] { Category(root), Category(root, child) }, NpgsqlDbType.Array | NpgsqlDbType.Text);
                await writer.WriteAsync($"https://img.shop.example/{i}.jpg", NpgsqlDbType.Text);
                await writer.WriteAsync(start.AddMinutes(i), NpgsqlDbType.TimestampTz);
                await writer.WriteAsync(attributes, NpgsqlDbType.Array | NpgsqlDbType.Text);
                await writer.WriteAsync(string.Join(' ', [colour, .. sizes]), NpgsqlDbType.Text);
                await writer.WriteAsync("EUR", NpgsqlDbType.Text);
                await writer.WriteAsync(Math.Round((decimal)(5 + random.NextDouble() * 295), 2), NpgsqlDbType.Numeric);
                await writer.WriteAsync(random.Next(10) > 0, NpgsqlDbType.Boolean);
            }
            await writer.CompleteAsync();
        }
        // What the service does for each product it indexes, done once for all.
        await using var words = new NpgsqlCommand("SELECT count(remember_search_words(name || ' ' || brand || ' ' || attribute_text)) FROM products", connection);
        await words.ExecuteNonQueryAsync();
        await using var analyze = new NpgsqlCommand("ANALYZE products", connection);
        await analyze.ExecuteNonQueryAsync();
    }

    public static string Pick(Random random, string[] words) => words[random.Next(words.Length)];
}
