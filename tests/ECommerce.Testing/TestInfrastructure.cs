using ECommerce.LocalInfrastructure.Kafka;
using ECommerce.LocalInfrastructure.Postgres;
using ECommerce.LocalInfrastructure.Redis;

namespace ECommerce.Testing;

/// <summary>
/// Real PostgreSQL, Redis and Kafka for a test assembly, started at most once per test run and
/// shared; every test takes its own database, key prefix or topic from here.
/// </summary>
/// <remarks>
/// eng/test.sh starts one PostgreSQL and one Redis for the whole run (see
/// ECommerce.Testing.InfrastructureHost) and passes them in <see cref="PostgresVariable"/> and
/// <see cref="RedisVariable"/>; without those variables (a test started from an IDE) each is
/// started here on first use. The Kafka cluster is librdkafka's in-process mock, which starts in
/// milliseconds, so each test assembly hosts its own and can create topics with exact partition counts.
/// Register it with <c>[assembly: AssemblyFixture(typeof(TestInfrastructure))]</c>.
/// </remarks>
public sealed class TestInfrastructure : IAsyncDisposable
{
    public const string PostgresVariable = "ECOMMERCE_TEST_POSTGRES";
    public const string RedisVariable = "ECOMMERCE_TEST_REDIS";

    private static int _uniqueCounter;

    private readonly SemaphoreSlim _startLock = new(1, 1);
    private PostgresServer? _ownPostgres;
    private RedisServer? _ownRedis;
    private string? _postgresAdminConnectionString = Environment.GetEnvironmentVariable(PostgresVariable);
    private string? _redisConnectionString = Environment.GetEnvironmentVariable(RedisVariable);
    private readonly Lazy<KafkaDevCluster> _kafka = new(() => KafkaDevCluster.Start());

    public KafkaDevCluster Kafka => _kafka.Value;

    /// <summary>A fresh, empty database for one test (or one test class), and its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix, CancellationToken cancellationToken = default) =>
        await PostgresDatabases.CreateAsync(await PostgresAdminConnectionStringAsync(cancellationToken), UniqueName(prefix), cancellationToken);

    public async Task<string> PostgresAdminConnectionStringAsync(CancellationToken cancellationToken = default)
    {
        await _startLock.WaitAsync(cancellationToken);
        try
        {
            if (_postgresAdminConnectionString is null)
            {
                _ownPostgres = await PostgresServer.StartAsync(cancellationToken: cancellationToken);
                _postgresAdminConnectionString = _ownPostgres.ConnectionString();
            }
            return _postgresAdminConnectionString;
        }
        finally
        {
            _startLock.Release();
        }
    }

    public async Task<string> RedisConnectionStringAsync(CancellationToken cancellationToken = default)
    {
        await _startLock.WaitAsync(cancellationToken);
        try
        {
            if (_redisConnectionString is null)
            {
                _ownRedis = await RedisServer.StartAsync(cancellationToken: cancellationToken);
                _redisConnectionString = _ownRedis.ConnectionString;
            }
            return _redisConnectionString;
        }
        finally
        {
            _startLock.Release();
        }
    }

    /// <summary>A topic no other test uses, with an exact partition count.</summary>
    public string CreateTopic(string prefix, int partitions)
    {
        var topic = UniqueName(prefix);
        Kafka.CreateTopic(topic, partitions);
        return topic;
    }

    /// <summary>For a service under test: this assembly's Kafka cluster, with the short session timeout the development cluster needs.</summary>
    public IEnumerable<KeyValuePair<string, string>> KafkaSettings() => KafkaSettings(Kafka.BootstrapServers);

    /// <summary>The same for a development cluster of the test's own.</summary>
    public static IEnumerable<KeyValuePair<string, string>> KafkaSettings(string bootstrapServers) =>
    [
        new("ConnectionStrings:kafka", bootstrapServers),
        new("Kafka:SessionTimeoutMs", KafkaDevCluster.DevelopmentSessionTimeoutMs.ToString()),
        new("Kafka:FetchWaitMaxMs", KafkaDevCluster.DevelopmentFetchWaitMaxMs.ToString()),
    ];

    /// <summary>A name no other test in this run uses: lower-case letters, digits and '_', at most 63 characters.</summary>
    public static string UniqueName(string prefix)
    {
        var suffix = $"_{Interlocked.Increment(ref _uniqueCounter)}_{Guid.NewGuid():N}"[..20];
        var cleanPrefix = new string(prefix.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray());
        return cleanPrefix[..Math.Min(cleanPrefix.Length, 63 - suffix.Length)] + suffix;
    }

    public async ValueTask DisposeAsync()
    {
        if (_kafka.IsValueCreated)
        {
            _kafka.Value.Dispose();
        }
        if (_ownRedis is not null)
        {
            await _ownRedis.DisposeAsync();
        }
        if (_ownPostgres is not null)
        {
            await _ownPostgres.DisposeAsync();
        }
        _startLock.Dispose();
    }
}
