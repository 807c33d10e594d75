namespace ECommerce.Testing;

/// <summary>
/// Services under test keep their records off Kafka's logs topic unless a test is about that: a producer per service
/// and a record per log line cost every other test time for nothing.
/// </summary>
public static class KafkaLoggingOff
{
    public const string Key = "Logging:Kafka:Enabled";
    public const string Value = "false";

    /// <summary>The setting that turns it back on, for a test about logging.</summary>
    public static KeyValuePair<string, string> On => new(Key, "true");
}
