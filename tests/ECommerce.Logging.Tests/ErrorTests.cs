using ECommerce.Contracts.Events;
using ECommerce.Contracts.Events.V1;
using ECommerce.Contracts.Logging.V1;
using ECommerce.Logging.Errors;
using Confluent.Kafka;
using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;
using Microsoft.Extensions.DependencyInjection;
using static ECommerce.Logging.Tests.LoggingTestEnvironment;
using KafkaLogLevel = ECommerce.Contracts.Events.V1.LogLevel;

namespace ECommerce.Logging.Tests;

/// <summary>Error groups, their counts and the spike rule, on records as services send them.</summary>
public sealed class ErrorTests(LoggingTestEnvironment logs)
{
    private const string Template = "Reserving stock for order {OrderId} failed";

    [Fact]
    public async Task The_same_error_from_two_services_with_different_ids_forms_one_group()
    {
        var (checkout, worker) = (NewService(), NewService());
        var trace = NewTraceId();
        var since = DateTime.UtcNow.AddMinutes(-1);
        await logs.SendAsync(
            Error(checkout, "o-1", "ECommerce.Orders.Checkout.CheckoutSaga.ReserveAsync", NewTraceId(), since.AddSeconds(1)),
            Error(checkout, "o-2", "ECommerce.Orders.Checkout.CheckoutSaga.ReserveAsync", NewTraceId(), since.AddSeconds(2)),
            // The latest: the group's example.
            Error(worker, "o-3", "ECommerce.Orders.Checkout.CheckoutSaga.ReserveAsync", trace, since.AddSeconds(3)),
            // Same type and template, thrown from another place of our code: another group.
            Error(worker, "o-4", "ECommerce.Orders.Refunds.RefundKeeper.RefundAsync", NewTraceId()));

        var groups = await SummaryUntilAsync(worker, since, response => response.Groups.Sum(group => group.Count) == 2);
        var summary = await logs.Client.ErrorSummaryAsync(new ErrorSummaryRequest { Since = Timestamp.FromDateTime(since) }, logs.Admin);

        Assert.Equal(2, groups.Groups.Count);
        var saga = Assert.Single(summary.Groups, group => group.TopFrame == "ECommerce.Orders.Checkout.CheckoutSaga.ReserveAsync" && group.Services.Any(s => s.Service == worker));
        Assert.Equal(3, saga.Count);
        Assert.Equal([(checkout, 2L), (worker, 1L)], saga.Services.Select(s => (s.Service, s.Count)));
        Assert.Equal("System.InvalidOperationException", saga.ExceptionType);
        Assert.Equal(Template, saga.Template);
        Assert.Equal(trace, saga.ExampleTraceId);
        Assert.Equal("Reserving stock for order o-3 failed", saga.ExampleMessage);
        Assert.True(saga.FirstSeen <= saga.LastSeen);
        Assert.Contains(summary.Groups, group => group.TopFrame == "ECommerce.Orders.Refunds.RefundKeeper.RefundAsync" && group.Count == 1);
    }

    [Fact]
    public async Task A_service_whose_errors_rise_well_above_its_baseline_is_announced_once_and_a_steady_one_is_not()
    {
        var (spiking, steady) = (NewService(), NewService());
        var now = DateTime.UtcNow;
        var minute = ErrorRules.Minute(now).AddMinutes(-1);
        var records = new List<LogRecord>();
        for (var back = 1; back <= 15; back++)
        {
            records.Add(Error(spiking, $"b{back}", "ECommerce.A.B.C", "", minute.AddMinutes(-back)));
            records.AddRange(Enumerable.Range(0, 10).Select(i => Error(steady, $"s{back}-{i}", "ECommerce.A.B.C", "", minute.AddMinutes(-back))));
        }
        records.AddRange(Enumerable.Range(0, 12).Select(i => Error(spiking, $"x{i}", "ECommerce.A.B.C", "", minute.AddSeconds(i))));
        records.AddRange(Enumerable.Range(0, 12).Select(i => Error(steady, $"y{i}", "ECommerce.A.B.C", "", minute.AddSeconds(i))));
        await logs.SendAsync([.. records]);
        await logs.QueryUntilAsync(new QueryLogsRequest { Service = steady, Page = new() { PageSize = 100 } }, response => response.Records.Count == 100);
        await logs.QueryUntilAsync(new QueryLogsRequest { Service = spiking, Page = new() { PageSize = 100 } }, response => response.Records.Count == 27);
        var keeper = logs.Services.GetRequiredService<ErrorKeeper>();

        var announced = await keeper.AnnounceSpikesAsync(minute.AddMinutes(1).AddSeconds(5), CancellationToken.None);
        var again = await keeper.AnnounceSpikesAsync(minute.AddMinutes(1).AddSeconds(35), CancellationToken.None);

        var spike = Assert.Single(announced, spike => spike.Service == spiking);
        Assert.DoesNotContain(announced, spike => spike.Service == steady);
        Assert.Equal(12, spike.Errors);
        Assert.Equal(1.0, spike.BaselinePerMinute, 3);
        Assert.DoesNotContain(again, spike => spike.Service == spiking);
        var published = ReadAlert(spiking);
        Assert.Equal(12, published.Errors);
        Assert.Equal(minute, published.Minute.ToDateTime());
        Assert.NotEmpty(published.TopFingerprint);
    }

    private async Task<ErrorSummaryResponse> SummaryUntilAsync(string service, DateTime since, Func<ErrorSummaryResponse, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var response = await logs.Client.ErrorSummaryAsync(new ErrorSummaryRequest { Service = service, Since = Timestamp.FromDateTime(since) }, logs.Admin);
            if (done(response) || DateTime.UtcNow > deadline)
            {
                return response;
            }
            await Task.Delay(50);
        }
    }

    private ErrorRateSpiked ReadAlert(string service)
    {
        using var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
        {
            BootstrapServers = logs.Infrastructure.Kafka.BootstrapServers,
            GroupId = $"alerts-{Guid.NewGuid():N}",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            FetchWaitMaxMs = 10,
        }).Build();
        consumer.Subscribe(EventTopics.LoggingAlerts);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { Message: { } message } && message.Key == service)
            {
                return ErrorRateSpiked.Parser.ParseFrom(message.Value);
            }
        }
        throw new TimeoutException($"No ErrorRateSpiked for {service} on {EventTopics.LoggingAlerts}.");
    }

    private static LogRecord Error(string service, string orderId, string frame, string traceId, DateTime? time = null)
    {
        var record = Record(service, $"Reserving stock for order {orderId} failed", KafkaLogLevel.Error, time ?? DateTime.UtcNow, traceId);
        record.Template = Template;
        record.Attributes["OrderId"] = orderId;
        record.ExceptionType = "System.InvalidOperationException";
        record.Exception = $"""
            System.InvalidOperationException: No stock left for order {orderId}
               at Npgsql.NpgsqlConnector.ReadMessage()
               at {frame}(Order order, CancellationToken cancellationToken) in /src/services/Orders/File.cs:line {orderId.Length * 7}
               at ECommerce.Orders.Api.OrdersApi.PlaceOrder(PlaceOrderRequest request, ServerCallContext context)
            """;
        return record;
    }
}
