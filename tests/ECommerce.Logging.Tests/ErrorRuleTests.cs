using ECommerce.Logging;
using ECommerce.Logging.Errors;
using KafkaLogLevel = ECommerce.Contracts.Events.V1.LogLevel;

namespace ECommerce.Logging.Tests;

public sealed class ErrorRuleTests
{
    [Fact]
    public void The_top_frame_is_the_first_of_the_shops_own_code_without_arguments_file_or_line()
    {
        const string exception = """
            System.TimeoutException: boom
               at System.Threading.Tasks.Task.Wait()
               at ECommerce.EventBus.Outbox.OutboxRelay.<PublishAsync>d__12.MoveNext() in /src/OutboxRelay.cs:line 80
               at ECommerce.Users.Api.UsersApi.Login(LoginRequest request) in /src/UsersApi.cs:line 10
            """;

        Assert.Equal("ECommerce.EventBus.Outbox.OutboxRelay.PublishAsync", ErrorRules.TopFrame(exception));
        Assert.Equal("System.TimeoutException", ErrorRules.ExceptionTypeOf(exception));
        Assert.Equal("", ErrorRules.TopFrame("System.Exception: x\n   at Other.Library.Call()"));
    }

    [Fact]
    public void Errors_without_a_template_are_grouped_by_their_message_with_the_ids_taken_out()
    {
        var first = new Contracts.Events.V1.LogRecord { Level = KafkaLogLevel.Error, Message = "Payment 3f2504e0-4f89-11d3-9a0c-0305e82c3301 failed after 3 tries" };
        var second = new Contracts.Events.V1.LogRecord { Level = KafkaLogLevel.Error, Message = "Payment 9a0c3f25-4f89-11d3-9a0c-0305e82c3302 failed after 5 tries" };
        var other = new Contracts.Events.V1.LogRecord { Level = KafkaLogLevel.Error, Message = "Refund 9a0c3f25-4f89-11d3-9a0c-0305e82c3302 failed after 5 tries" };

        Assert.Equal(ErrorRules.Key(first).Fingerprint, ErrorRules.Key(second).Fingerprint);
        Assert.NotEqual(ErrorRules.Key(first).Fingerprint, ErrorRules.Key(other).Fingerprint);
    }

    [Theory]
    [InlineData(12, 1.0, true)]
    [InlineData(9, 0.0, false)]
    [InlineData(29, 10.0, false)]
    [InlineData(30, 10.0, true)]
    public void A_spike_is_at_least_ten_errors_and_three_times_the_baseline(long errors, double baseline, bool spike) =>
        Assert.Equal(spike, ErrorRules.IsSpike(errors, baseline, new LoggingOptions()));
}
