using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Confluent.Kafka;
using ECommerce.Contracts.Events.V1;
using Google.Protobuf;
using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;
using Microsoft.Extensions.Logging;
using KafkaLogLevel = ECommerce.Contracts.Events.V1.LogLevel;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace ECommerce.ServiceDefaults.Logging;

/// <summary>
/// The way out for every log record of a service: a bounded buffer (<see cref="KafkaLogOptions.BufferSize"/>, dropping
/// the oldest when full) drained by one sender that redacts, serializes and produces <see cref="LogRecord"/>s to Kafka,
/// batched by the client (<see cref="KafkaLogOptions.LingerMs"/>). Callers only ever add to the buffer.
/// </summary>
/// <remarks>
/// Records are never lost to a timeout inside the client (its message timeout is infinite): at most
/// <see cref="KafkaLogOptions.MaxInFlight"/> wait there for the brokers, the rest in the buffer. Records dropped from
/// the buffer are counted on the <c>ecommerce.logs.dropped</c> counter and announced by a warning record on the topic
/// as soon as Kafka acknowledges a record again. The client's own complaints go to <paramref name="diagnostics"/>,
/// a logger this sink never receives records from, so an outage does not feed on itself.
/// <para>
/// Every record carries the sink's run (a new GUID per sink, so per process start) and its sequence number, taken as it
/// enters the buffer. A record lost on the way (dropped from the buffer, refused by Kafka, not even captured) is counted
/// as dropped and leaves a gap, so a receiver can check that, per run, the gaps it sees are no more than the drops the run
/// reported. Records lost when the process dies without flushing (SIGKILL) are the newest, after every number received:
/// they leave no gap and are counted nowhere.
/// </para>
/// </remarks>
internal sealed class KafkaLogSink : IDisposable
{
    public const string MeterName = "ECommerce.Logging.Sink";

    /// <summary>The sink's own category: records of it (the Kafka client's errors) never go to Kafka.</summary>
    public static readonly string OwnCategory = typeof(KafkaLogSink).FullName!;

    [ThreadStatic]
    private static bool _sending;

    private readonly KafkaLogOptions _options;
    private readonly string _service;
    private readonly string _instance;
    private readonly Func<ILogger> _diagnostics;
    private readonly string _run = Guid.NewGuid().ToString();
    private readonly Channel<NumberedLog> _buffer;
    private readonly SemaphoreSlim _inFlight;
    private readonly IProducer<string, byte[]> _producer;
    private readonly Counter<long> _droppedCounter;
    private readonly Counter<long> _sentCounter;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _sender;
    private readonly Action<DeliveryReport<string, byte[]>> _onDelivered;
    private long _lastSequence;
    private long _dropped;
    private long _droppedReported;
    private int _unreachable;
    private int _disposed;

    public KafkaLogSink(KafkaLogOptions options, string bootstrapServers, string service, string instance, IMeterFactory meters, Func<ILogger> diagnostics)
    {
        _options = options;
        _service = service;
        _instance = instance;
        _diagnostics = diagnostics;
        _buffer = Channel.CreateBounded<NumberedLog>(
            new BoundedChannelOptions(options.BufferSize) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => OnDropped());
        _inFlight = new SemaphoreSlim(options.MaxInFlight, options.MaxInFlight);
        var meter = meters.Create(MeterName);
        _droppedCounter = meter.CreateCounter<long>("ecommerce.logs.dropped", "{record}", "Log records dropped because the buffer for Kafka was full.");
        _sentCounter = meter.CreateCounter<long>("ecommerce.logs.sent", "{record}", "Log records acknowledged by Kafka.");
        _producer = new ProducerBuilder<string, byte[]>(new ProducerConfig
            {
                BootstrapServers = bootstrapServers,
                ClientId = $"{service}-logs",
                LingerMs = options.LingerMs,
                Acks = Acks.Leader,
                // Infinite: undelivered records wait for the brokers instead of failing after five minutes.
                MessageTimeoutMs = 0,
                // Beyond the in-flight slots: room for the dropped-records warnings, which take no slot.
                QueueBufferingMaxMessages = options.MaxInFlight + 100,
                CompressionType = CompressionType.Lz4,
                ReconnectBackoffMaxMs = 1000,
                // As the event bus's clients (see its KafkaClients): a request lost on a half-open connection after an
                // outage is sent again after 10 s, not librdkafka's 60.
                SocketTimeoutMs = 10_000,
                // After an outage the client can hold its records until the next metadata refresh (5 min by default).
                TopicMetadataRefreshIntervalMs = 5000,
            })
            .SetErrorHandler((_, error) => AsSender(OnClientError, error))
            .SetLogHandler((_, message) => AsSender(
                message => Diagnostics(LogLevel.Debug, "Kafka client: {Facility} {Message}", message.Facility, message.Message), message))
            .Build();
        _onDelivered = report => AsSender(OnDelivered, report);
        _sender = Task.Run(SendAsync);
    }

    /// <summary>True while the current thread runs the sink's own code: whatever it logs must not come back into the buffer.</summary>
    public static bool IsSending => _sending;

    /// <summary>
    /// Runs <paramref name="call"/> as the sink's own code. The mark lasts only as long as the call: the sender continues
    /// on whatever pool thread its awaits resume on, and a pool thread left marked would silently keep every record the
    /// service later logs on it (a request's, say) out of Kafka.
    /// </summary>
    private static void AsSender<T>(Action<T> call, T argument)
    {
        var outer = _sending;
        _sending = true;
        try
        {
            call(argument);
        }
        finally
        {
            _sending = outer;
        }
    }

    public long Dropped => Interlocked.Read(ref _dropped);

    /// <remarks>
    /// A record written after <see cref="Dispose"/> is refused by the completed buffer: its number is lost uncounted, but
    /// it is the newest, after every number received, so it leaves no gap.
    /// </remarks>
    public void Enqueue(PendingLog record) => _buffer.Writer.TryWrite(new NumberedLog(NextSequence(), record));

    /// <summary>A record the logger could not even capture: it takes a number like any other, so its loss is a counted gap.</summary>
    public void CountFailure(Exception failure)
    {
        NextSequence();
        OnDropped();
        Diagnostics(LogLevel.Debug, "A log record could not be captured: {Error}", failure.Message);
    }

    private long NextSequence() => Interlocked.Increment(ref _lastSequence);

    private void OnDropped()
    {
        Interlocked.Increment(ref _dropped);
        _droppedCounter.Add(1);
    }

    private async Task SendAsync()
    {
        try
        {
            while (await _buffer.Reader.WaitToReadAsync(_stopping.Token))
            {
                while (_buffer.Reader.TryRead(out var pending))
                {
                    await _inFlight.WaitAsync(_stopping.Token);
                    AsSender(Produce, pending);
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
    }

    private void Produce(NumberedLog numbered)
    {
        try
        {
            var record = ToRecord(numbered.Log, numbered.Sequence);
            _producer.Produce(_options.Topic, new Message<string, byte[]> { Key = _service, Value = record.ToByteArray() }, _onDelivered);
        }
        catch (Exception failure)
        {
            // The record already has its number: counted as dropped, not numbered again.
            _inFlight.Release();
            OnDropped();
            Diagnostics(LogLevel.Debug, "A log record could not be produced: {Error}", failure.Message);
        }
    }

    private void OnDelivered(DeliveryReport<string, byte[]> report)
    {
        // Not inline: the sender's loop would continue on the client's own callback thread and produce from inside it.
        ThreadPool.UnsafeQueueUserWorkItem(static inFlight => inFlight.Release(), _inFlight, preferLocal: false);
        OnAcknowledged(report);
    }

    private void OnAcknowledged(DeliveryReport<string, byte[]> report)
    {
        if (report.Error.IsError)
        {
            OnDropped();
            Diagnostics(LogLevel.Warning, "Kafka refused a log record: {Error}", report.Error.Reason);
            return;
        }
        OnKafkaAccepted();
    }

    private void OnKafkaAccepted()
    {
        _sentCounter.Add(1);
        if (Interlocked.Exchange(ref _unreachable, 0) == 1)
        {
            Diagnostics(LogLevel.Information, "Kafka is reachable again; log records flow to topic {Topic}", _options.Topic);
        }
        var dropped = Interlocked.Read(ref _dropped);
        var reported = Interlocked.Read(ref _droppedReported);
        if (dropped > reported && Interlocked.CompareExchange(ref _droppedReported, dropped, reported) == reported)
        {
            ReportDropped(dropped - reported);
        }
    }

    /// <summary>
    /// The warning that records were dropped goes straight to the client, past the buffer and the in-flight slots (the
    /// client's queue has room beyond them): the buffer is still full at that moment, so the warning would push out its
    /// oldest record, and that drop would call for another warning, and so on, one record lost per warning.
    /// </summary>
    /// <remarks>
    /// The warning takes no sequence number (it has 0): it announces gaps and is none itself. If it is lost, the drops it
    /// carried count as unreported again, for the next warning to carry, so no gap goes unexplained.
    /// </remarks>
    private void ReportDropped(long count)
    {
        var warning = new PendingLog(DateTime.UtcNow, LogLevel.Warning, OwnCategory,
            $"{count} log records were dropped: the buffer of {_options.BufferSize} records for Kafka was full",
            "{DroppedRecords} log records were dropped: the buffer of {BufferSize} records for Kafka was full",
            [new("DroppedRecords", count.ToString(System.Globalization.CultureInfo.InvariantCulture)),
             new("BufferSize", _options.BufferSize.ToString(System.Globalization.CultureInfo.InvariantCulture))],
            "", "", "", "");
        try
        {
            _producer.Produce(_options.Topic, new Message<string, byte[]> { Key = _service, Value = ToRecord(warning, sequence: 0).ToByteArray() },
                report => AsSender(OnReportAcknowledged, (report, count)));
        }
        catch (Exception failure)
        {
            Unreport(count);
            Diagnostics(LogLevel.Debug, "The warning about {Count} dropped log records could not be sent: {Error}", count, failure.Message);
        }
    }

    private void OnReportAcknowledged((DeliveryReport<string, byte[]> Report, long Count) delivery)
    {
        if (delivery.Report.Error.IsError)
        {
            Unreport(delivery.Count);
            Diagnostics(LogLevel.Warning, "Kafka refused the warning about {Count} dropped log records: {Error}", delivery.Count, delivery.Report.Error.Reason);
            return;
        }
        OnKafkaAccepted();
    }

    private void Unreport(long count) => Interlocked.Add(ref _droppedReported, -count);

    private void OnClientError(Error error)
    {
        // librdkafka repeats itself while the brokers are away: say it once per outage.
        if (Interlocked.Exchange(ref _unreachable, 1) == 0)
        {
            Diagnostics(LogLevel.Warning, "Kafka is unreachable for log records ({Error}); they wait in a buffer of {BufferSize}, the oldest dropped when it is full",
                error.Reason, _options.BufferSize);
        }
    }

    private void Diagnostics(LogLevel level, string template, params object?[] values)
    {
        try
        {
#pragma warning disable CA2254 // The templates are this class's own constants.
            _diagnostics().Log(level, template, values);
#pragma warning restore CA2254
        }
        catch (ObjectDisposedException)
        {
            // The service is stopping and its logging is gone.
        }
    }

    private LogRecord ToRecord(PendingLog pending, long sequence)
    {
        var record = new LogRecord
        {
            RunId = _run,
            Sequence = sequence,
            Time = Timestamp.FromDateTime(pending.Time),
            Service = _service,
            Instance = _instance,
            Level = ToContract(pending.Level),
            Category = pending.Category,
            Message = Cut(LogRedaction.Text(pending.Message, pending.Attributes)),
            Template = Cut(LogRedaction.Text(pending.Template)),
            Exception = Cut(LogRedaction.Text(pending.Exception, pending.Attributes)),
            ExceptionType = pending.ExceptionType,
            TraceId = pending.TraceId,
            SpanId = pending.SpanId,
        };
        foreach (var (key, value) in pending.Attributes)
        {
            // A value that looks harmless alone but that the message shows only as removed ("Bearer {Raw}") is removed too.
            var redacted = LogRedaction.Attribute(key, value);
            var hiddenInMessage = redacted == value && value.Length > 0 && pending.Message.Contains(value, StringComparison.Ordinal)
                                  && !record.Message.Contains(value, StringComparison.Ordinal);
            record.Attributes[key] = hiddenInMessage ? LogRedaction.Removed : Cut(redacted);
        }
        return record;
    }

    private string Cut(string text) => text.Length <= _options.MaxTextLength ? text : text[.._options.MaxTextLength] + "…";

    internal static KafkaLogLevel ToContract(LogLevel level) => level switch
    {
        LogLevel.Trace => KafkaLogLevel.Trace,
        LogLevel.Debug => KafkaLogLevel.Debug,
        LogLevel.Information => KafkaLogLevel.Information,
        LogLevel.Warning => KafkaLogLevel.Warning,
        LogLevel.Error => KafkaLogLevel.Error,
        LogLevel.Critical => KafkaLogLevel.Critical,
        _ => KafkaLogLevel.Unspecified,
    };

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        // Send what is buffered, for a short while: a stopping service must not hang on a missing Kafka. What is left
        // unsent is the newest, after every sequence number Kafka got: no gap, and no drop counted or reported.
        _buffer.Writer.TryComplete();
        var deadline = DateTime.UtcNow + _options.ShutdownTimeout;
        if (!_sender.Wait(_options.ShutdownTimeout))
        {
            _stopping.Cancel();
        }
        var left = deadline - DateTime.UtcNow;
        _producer.Flush(left > TimeSpan.Zero ? left : TimeSpan.Zero);
        _producer.Dispose();
        _stopping.Dispose();
    }
}

/// <summary>A captured record with the sequence number it took on entering the buffer.</summary>
internal readonly record struct NumberedLog(long Sequence, PendingLog Log);
