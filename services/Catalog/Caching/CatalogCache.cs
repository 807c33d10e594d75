using System.Buffers.Binary;
using Google.Protobuf;
using StackExchange.Redis;

namespace ECommerce.Catalog.Caching;

/// <summary>
/// Cache-aside in Redis for reads, with a generation counter per entry so a change is never hidden
/// by a read that raced it.
/// </summary>
/// <remarks>
/// A plain delete-on-change loses a race: a reader loads the old row, the writer commits and
/// deletes the entry, then the reader stores what it loaded, stale until the entry expires. Here a
/// writer increments the entry's generation after its commit, and a reader stores what it loaded
/// tagged with the generation it saw before loading; an entry whose tag is not the current
/// generation is ignored. One MGET reads both. When Redis is unreachable reads go to PostgreSQL.
/// </remarks>
internal sealed class CatalogCache(IConnectionMultiplexer redis, CatalogOptions options, ILogger<CatalogCache> logger)
{
    private static readonly TimeSpan GenerationLifetime = TimeSpan.FromDays(1);

    public static string ProductKey(Guid productId) => $"product:{productId:N}";
    public const string CategoriesKey = "categories";

    public async Task<T?> GetOrLoadAsync<T>(string key, MessageParser<T> parser, Func<Task<T?>> load) where T : class, IMessage<T>
    {
        if (options.CacheTtl <= TimeSpan.Zero)
        {
            return await load();
        }
        var entryKey = (RedisKey)$"{options.CacheKeyPrefix}:{key}";
        var generationKey = (RedisKey)$"{options.CacheKeyPrefix}:{key}:generation";
        long generation;
        try
        {
            var values = await redis.GetDatabase().StringGetAsync([entryKey, generationKey]);
            generation = values[1].HasValue ? (long)values[1] : 0;
            if (values[0].HasValue && (byte[])values[0]! is { Length: >= sizeof(long) } cached
                && BinaryPrimitives.ReadInt64LittleEndian(cached) == generation)
            {
                return parser.ParseFrom(cached.AsSpan(sizeof(long)));
            }
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            logger.LogWarning(e, "Redis is unavailable; reading {Key} from PostgreSQL", key);
            return await load();
        }

        var loaded = await load();
        if (loaded is not null)
        {
            var entry = new byte[sizeof(long) + loaded.CalculateSize()];
            BinaryPrimitives.WriteInt64LittleEndian(entry, generation);
            loaded.WriteTo(entry.AsSpan(sizeof(long)));
            try
            {
                await redis.GetDatabase().StringSetAsync(entryKey, entry, options.CacheTtl);
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                logger.LogWarning(e, "Redis is unavailable; {Key} was not cached", key);
            }
        }
        return loaded;
    }

    /// <summary>Call after the change has committed: every cached copy read before it is ignored from now on.</summary>
    public async Task InvalidateAsync(params IEnumerable<string> keys)
    {
        try
        {
            var database = redis.GetDatabase();
            await Task.WhenAll(keys.Distinct().Select(async key =>
            {
                var generationKey = (RedisKey)$"{options.CacheKeyPrefix}:{key}:generation";
                await database.StringIncrementAsync(generationKey);
                await database.KeyExpireAsync(generationKey, GenerationLifetime);
            }));
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // The entries still expire after CacheTtl; a reader may see the old state until then.
            logger.LogError(e, "Redis is unavailable; cached copies of {Keys} stay until they expire", string.Join(", ", keys));
        }
    }
}
