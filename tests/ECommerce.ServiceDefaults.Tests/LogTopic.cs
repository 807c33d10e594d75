using Confluent.Kafka;
using ECommerce.Contracts.Events.V1;
using ECommerce.ServiceDefaults.Logging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ECommerce.ServiceDefaults.Tests;

/// <summary>A host with nothing but the Kafka log sink, and a reader of the topic it writes to.</summary>
internal static class LogTopic
{
    public static IHost StartHost(string bootstrapServers, string topic, IEnumerable<KeyValuePair<string, string?>>? settings = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "ECommerce.Probe" });
        builder.Configuration.AddInMemoryCollection(
        [
            new("ConnectionStrings:kafka", bootstrapServers),
            new("Logging:Kafka:Topic", topic),
            new("Logging:LogLevel:Default", "Information"),
            new("Logging:LogLevel:Microsoft", "Warning"),
            .. settings ?? [],
        ]);
        builder.Logging.ClearProviders();
        builder.AddKafkaLogging();
        var host = builder.Build();
        host.Start();
        return host;
    }

    public static ILogger Logger(this IHost host, string category) => host.Services.GetRequiredService<ILoggerFactory>().CreateLogger(category);

    /// <summary>The raw messages on the topic, read from the start until <paramref name="done"/> holds or 30 s pass.</summary>
    public static List<Message<string, byte[]>> ReadUntil(string bootstrapServers, string topic, Func<IReadOnlyList<LogRecord>, bool> done)
    {
        using var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = $"reader-{Guid.NewGuid():N}",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
            FetchWaitMaxMs = 10,
        }).Build();
        consumer.Subscribe(topic);
        var messages = new List<Message<string, byte[]>>();
        var records = new List<LogRecord>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!done(records) && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { Message: { } message })
            {
                messages.Add(message);
                records.Add(LogRecord.Parser.ParseFrom(message.Value));
            }
        }
        consumer.Close();
        return messages;
    }

    public static List<LogRecord> Records(this IEnumerable<Message<string, byte[]>> messages) =>
        messages.Select(message => LogRecord.Parser.ParseFrom(message.Value)).ToList();
}
