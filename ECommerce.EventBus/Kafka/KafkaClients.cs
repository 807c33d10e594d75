using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace ECommerce.EventBus.Kafka;

/// <summary>What every Kafka client of the event bus (the outbox relay, the consumers, the dead-letter producer) shares.</summary>
internal static class KafkaClients
{
    /// <summary>
    /// How long a request may go unanswered before the client gives up on its connection and sends it again on a new one.
    /// librdkafka's default is 60 s. After the brokers of a chaos run came back, requests sent on connections left half
    /// open by the outage went unanswered for exactly that long, and each outbox relay stalled a minute per batch;
    /// brokers answer in milliseconds, so 10 s still leaves a loaded cluster plenty of room.
    /// </summary>
    public const int SocketTimeoutMs = 10_000;

    /// <summary>
    /// librdkafka's own messages (disconnects, timed-out requests, brokers down) in the service's log at their own level,
    /// rather than on the process's stderr where no one reads them.
    /// </summary>
    public static void Log(ILogger logger, LogMessage message) =>
        logger.Log(Level(message.Level), "Kafka client {Client}: {Facility} {Message}", message.Name, message.Facility, message.Message);

    private static LogLevel Level(SyslogLevel level) => level switch
    {
        <= SyslogLevel.Error => LogLevel.Error,
        SyslogLevel.Warning => LogLevel.Warning,
        SyslogLevel.Notice or SyslogLevel.Info => LogLevel.Information,
        _ => LogLevel.Debug,
    };
}
