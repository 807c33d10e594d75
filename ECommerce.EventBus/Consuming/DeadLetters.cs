using Confluent.Kafka;
using ECommerce.EventBus.Kafka;
using Microsoft.Extensions.Logging;

namespace ECommerce.EventBus.Consuming;

/// <summary>Parks events in "&lt;topic&gt;.dlq" with the error and their origin in headers.</summary>
internal sealed class DeadLetters(EventBusOptions options, ILogger logger) : IDisposable
{
    private readonly IProducer<string, byte[]> _producer = new ProducerBuilder<string, byte[]>(new ProducerConfig
    {
        BootstrapServers = options.BootstrapServers,
        EnableIdempotence = true,
        ClientId = $"{options.ServiceName}-dead-letters",
        SocketTimeoutMs = KafkaClients.SocketTimeoutMs,
    }).SetLogHandler((_, message) => KafkaClients.Log(logger, message)).Build();

    /// <summary>Returns once Kafka has the event, so its partition may move on without losing it.</summary>
    public async Task ParkAsync(ConsumeResult<string, byte[]> result, string error, CancellationToken stoppingToken)
    {
        var headers = new Headers();
        foreach (var header in result.Message.Headers ?? [])
        {
            headers.Add(header.Key, header.GetValueBytes());
        }
        EventHeaders.Set(headers, EventHeaders.DeadLetterError, error);
        EventHeaders.Set(headers, EventHeaders.DeadLetterTopic, result.Topic);
        EventHeaders.Set(headers, EventHeaders.DeadLetterPartition, result.Partition.Value.ToString());
        EventHeaders.Set(headers, EventHeaders.DeadLetterOffset, result.Offset.Value.ToString());
        EventHeaders.Set(headers, EventHeaders.DeadLetterConsumerGroup, options.ServiceName);
        var retry = TimeSpan.FromMilliseconds(500);
        while (true)
        {
            try
            {
                await _producer.ProduceAsync(EventConsumer.DeadLetterTopic(result.Topic),
                    new Message<string, byte[]> { Key = result.Message.Key, Value = result.Message.Value, Headers = headers }, stoppingToken);
                return;
            }
            catch (ProduceException<string, byte[]> e)
            {
                logger.LogError(e, "Could not park an event in {DeadLetterTopic}; retrying in {Retry}", EventConsumer.DeadLetterTopic(result.Topic), retry);
                await Task.Delay(retry, stoppingToken);
            }
        }
    }

    public void Dispose() => _producer.Dispose();
}
