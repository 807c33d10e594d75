using System.CommandLine;

namespace ECommerce.Load;

/// <summary>The options more than one command takes.</summary>
internal static class CommandOptions
{
    public static Option<string> Mode(bool allowBoth) => new Option<string>("--mode")
    {
        Description = allowBoth ? "The AppHost's mode: mesh, monolith, or both (one after the other)" : "The AppHost's mode: mesh or monolith",
        DefaultValueFactory = _ => "mesh",
    }.AcceptOnlyFromAmong(allowBoth ? ["mesh", "monolith", "both"] : ["mesh", "monolith"]);

    /// <summary>"both" means mesh, then monolith: the order the other benchmarks run them in.</summary>
    public static string[] Modes(string mode) => mode == "both" ? ["mesh", "monolith"] : [mode];

    public static Option<int> Positive(string name, int fallback, string description)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => fallback };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() <= 0)
            {
                result.AddError($"{name} must be a positive whole number.");
            }
        });
        return option;
    }

    public static Option<double> PositiveRate(string name, double fallback, string description)
    {
        var option = new Option<double>(name) { Description = description, DefaultValueFactory = _ => fallback };
        option.Validators.Add(result =>
        {
            if (!(result.GetValueOrDefault<double>() > 0))
            {
                result.AddError($"{name} must be a positive number.");
            }
        });
        return option;
    }

    public static Option<TrafficMix> Mix() => new("--mix")
    {
        Description = $"Relative weights of the routes (any of {string.Join(", ", TrafficMix.RouteNames)})",
        DefaultValueFactory = _ => TrafficMix.Default,
        CustomParser = result => TrafficMix.TryParse(result.Tokens.Single().Value, out var mix, out var error) ? mix : Fail(result, error),
    };

    public static Option<ArrivalSchedule> Schedule() => new("--schedule")
    {
        Description = "Arrival times: poisson (random gaps, exponentially distributed) or fixed (equal gaps)",
        DefaultValueFactory = _ => ArrivalSchedule.Poisson,
    };

    public static Option<int> TimeoutSeconds() => Positive("--timeout", 30, "Seconds before a request counts as timed out");

    private static TrafficMix Fail(System.CommandLine.Parsing.ArgumentResult result, string error)
    {
        result.AddError(error);
        return TrafficMix.Default;
    }
}
