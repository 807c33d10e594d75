using System.CommandLine;
using System.Globalization;
using ECommerce.Load;

// dotnet run -c Release --project benchmarks/ECommerce.Load -- <load|capacity|flash-sale|chaos> [options]
// The whole shop under load through its REST edge, the real AppHost started in mesh or monolith mode. Progress goes to
// stderr, a Markdown report to stdout; the exit code is non-zero when an invariant fails. See docs/load.md.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

var root = new RootCommand("A load generator for the whole shop, through the REST edge, in mesh or monolith mode.")
{
    LoadCommand.Create(),
    CapacityCommand.Create(),
    FlashSaleCommand.Create(),
    ChaosCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
