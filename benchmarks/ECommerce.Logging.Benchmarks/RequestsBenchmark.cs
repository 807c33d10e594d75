using ECommerce.Benchmarking;
using ECommerce.Contracts.Users.V1;
using ECommerce.Testing;

namespace ECommerce.Logging.Benchmarks;

/// <summary>What sending its logs to Kafka costs a service: Users' requests/s with the sink on and off, at Information level.</summary>
internal static class RequestsBenchmark
{
    private const int Concurrency = 16;

    public static async Task<string> RunAsync(TestInfrastructure infrastructure, TimeSpan duration)
    {
        // Two Users processes alike but for the sink; both log every request (ASP.NET Core's request lines) and their own
        // records at Information, to the console (a file) as well.
        var information = new Dictionary<string, string>
        {
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Information",
            ["Logging__LogLevel__ECommerce"] = "Information",
        };
        await using var off = await UsersForTests.StartAsync(infrastructure, infrastructure.Kafka.BootstrapServers, information);
        await using var on = await UsersForTests.StartAsync(infrastructure, infrastructure.Kafka.BootstrapServers,
            new Dictionary<string, string>(information) { [KafkaLoggingOff.Key.Replace(":", "__")] = "true" });
        var offToken = UsersForTests.Bearer(await off.CustomerTokenAsync());
        var onToken = UsersForTests.Bearer(await on.CustomerTokenAsync());
        Task Profile(UsersForTests users, global::Grpc.Core.Metadata token) => users.Client.GetProfileAsync(new GetProfileRequest { UserId = "me" }, token).ResponseAsync;
        // A warm-up as long as a phase (a shorter one left the first measured phase at half the speed of the later ones:
        // tiered compilation was still at work), then off and on three times, alternating, so that drift on a shared
        // machine touches both alike.
        await Measurements.RunAsync(Concurrency, duration / 2, (_, _) => Profile(off, offToken));
        await Measurements.RunAsync(Concurrency, duration / 2, (_, _) => Profile(on, onToken));
        var rounds = new List<(Measurements.Result Off, Measurements.Result On)>();
        for (var round = 0; round < 3; round++)
        {
            var offResult = await Measurements.RunAsync(Concurrency, duration / 2, (_, _) => Profile(off, offToken));
            var onResult = await Measurements.RunAsync(Concurrency, duration / 2, (_, _) => Profile(on, onToken));
            rounds.Add((offResult, onResult));
        }
        var lines = rounds.Select((pair, round) =>
            $"| {round + 1} | {pair.Off.PerSecond:N0} | {pair.Off.P50Ms:F1} / {pair.Off.P99Ms:F1} ms | {pair.On.PerSecond:N0} | {pair.On.P50Ms:F1} / {pair.On.P99Ms:F1} ms | **{pair.On.PerSecond / pair.Off.PerSecond:P0}** |");
        var offTotal = rounds.Sum(pair => pair.Off.Count);
        var onTotal = rounds.Sum(pair => pair.On.Count);
        return $"""
            ## Users GetProfile with its logs to Kafka off and on ({Concurrency} in flight, Information level, {duration.TotalSeconds / 2:F0} s per phase)
            | round | off req/s | off p50 / p99 | on req/s | on p50 / p99 | **on / off** |
            |---|---|---|---|---|---|
            {string.Join("\n", lines)}
            | all | {offTotal:N0} requests | | {onTotal:N0} requests | | **{(double)onTotal / offTotal:P0}** |
            """;
    }
}
