namespace ECommerce.CarrierSandbox;

/// <summary>Moves parcels on the carrier's clock (<see cref="SandboxOptions.StepInterval"/>); stopped when the interval is zero.</summary>
internal sealed class CarrierClock(SandboxOptions options, CarrierStore store, TimeProvider clock) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.StepInterval <= TimeSpan.Zero)
        {
            return;
        }
        // Checked four times per step, so a parcel moves within a quarter step of being due.
        using var timer = new PeriodicTimer(options.StepInterval / 4, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            store.AdvanceDue(options.StepInterval);
        }
    }
}
