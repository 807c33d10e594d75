namespace ECommerce.Orders.Tests;

/// <summary>Waits for what happens through Kafka or a background job, within a generous bound (an outcome, not a timing).</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, string failure, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail(failure);
            }
            await Task.Delay(200);
        }
    }
}
