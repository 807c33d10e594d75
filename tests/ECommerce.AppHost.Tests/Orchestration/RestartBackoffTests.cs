using ECommerce.AppHost.Orchestration;

namespace ECommerce.AppHost.Tests.Orchestration;

public sealed class RestartBackoffTests
{
    [Fact]
    public void A_replica_that_keeps_crashing_waits_twice_as_long_each_time_up_to_half_a_minute()
    {
        var delays = Enumerable.Range(1, 8).Select(crashes => RestartBackoff.Delay(crashes).TotalSeconds);

        Assert.Equal([1, 2, 4, 8, 16, 30, 30, 30], delays);
    }
}
