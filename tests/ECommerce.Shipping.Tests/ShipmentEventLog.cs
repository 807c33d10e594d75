using System.Collections.Concurrent;
using Confluent.Kafka;
using ECommerce.Contracts.Events;
using ECommerce.Contracts.Events.V1;
using ECommerce.EventBus;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace ECommerce.Shipping.Tests;

/// <summary>
/// A Kafka consumer of the shipments topic, as Orders will have one: every event the Shipping service published, by
/// order id (the key), read from the topic the relay writes to.
/// </summary>
public sealed class ShipmentEventLog : IAsyncDisposable
{
    private static readonly Dictionary<string, MessageParser> Parsers = new[]
    {
        ShipmentCreated.Descriptor, ShipmentShipped.Descriptor, ShipmentDelivered.Descriptor, ShipmentException.Descriptor,
        ShipmentCancelled.Descriptor, ReturnReceived.Descriptor,
    }.ToDictionary(descriptor => descriptor.FullName, descriptor => descriptor.Parser);

    private readonly ConcurrentDictionary<string, ConcurrentQueue<IMessage>> _byOrder = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _consuming;

    public ShipmentEventLog(string bootstrapServers)
    {
        var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = $"shipping-tests-{Guid.NewGuid():N}",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            SessionTimeoutMs = LocalInfrastructure.Kafka.KafkaDevCluster.DevelopmentSessionTimeoutMs,
        }).Build();
        consumer.Subscribe(EventTopics.Shipments);
        _consuming = Task.Factory.StartNew(() =>
        {
            using (consumer)
            {
                while (!_stop.IsCancellationRequested)
                {
                    var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
                    if (result?.Message is { } message && EventHeaders.Get(message.Headers, EventHeaders.Type) is { } type && Parsers.TryGetValue(type, out var parser))
                    {
                        _byOrder.GetOrAdd(message.Key, _ => new ConcurrentQueue<IMessage>()).Enqueue(parser.ParseFrom(message.Value));
                    }
                }
                consumer.Close();
            }
        }, TaskCreationOptions.LongRunning);
    }

    /// <summary>The order's events in the order they were published, once <paramref name="done"/> holds (or after 60 s, to fail on).</summary>
    public async Task<IReadOnlyList<IMessage>> WaitForAsync(string orderId, Func<IReadOnlyList<IMessage>, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var events = Of(orderId);
            if (done(events) || DateTime.UtcNow > deadline)
            {
                return events;
            }
            await Task.Delay(100);
        }
    }

    public IReadOnlyList<IMessage> Of(string orderId) => _byOrder.TryGetValue(orderId, out var events) ? events.ToList() : [];

    public static IReadOnlyList<string> Names(IEnumerable<IMessage> events) => events.Select(e => e.Descriptor.Name).ToList();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _consuming;
        _stop.Dispose();
    }
}
