using ECommerce.Benchmarking;
using ECommerce.Payment.Tests;
using ECommerce.Testing;

// dotnet run -c Release --project benchmarks/ECommerce.Payment.Benchmarks [-- seconds]
// Authorize through the Payment service (a real process, its own PostgreSQL database, the Users service for
// the Orders service token) against the sandbox provider (a real process) answering after 0 ms and after
// 50 ms. Every call is a new payment: its own key, order and card token, approved. 32 concurrent callers,
// a warm-up of a quarter of the time, then the given seconds (default 10) per latency.
var seconds = args.Length > 0 && int.TryParse(args[0], out var parsed) ? parsed : 10;
var duration = TimeSpan.FromSeconds(seconds);
const int Callers = 32;

await using var infrastructure = new TestInfrastructure();
await using var users = await UsersForTests.StartAsync(infrastructure);
var orders = UsersForTests.Bearer(await users.ServiceTokenAsync("orders"));
var customer = Guid.NewGuid().ToString();

Console.WriteLine($"# Payment benchmark — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
Console.WriteLine();
Console.WriteLine($"| Authorize, {Callers} concurrent callers, {seconds} s | authorizations/s | p50 ms | p99 ms |");
Console.WriteLine("|---|---:|---:|---:|");
foreach (var latency in new[] { 0, 50 })
{
    await using var shop = await PaymentShop.StartAsync(infrastructure, users, new Dictionary<string, string>
    {
        ["Logging__LogLevel__ECommerce"] = "Warning",
        ["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning",
        ["Logging__LogLevel__System.Net.Http"] = "Warning",
    }, providerLatencyMs: latency);
    // Tokenising is the storefront's step, not the service's: tokens are made before the clock starts.
    var tokens = await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => shop.Sandbox.TokeniseAsync(PaymentShop.ApprovedCard)));
    Task Authorize(int caller) => shop.Client.AuthorizeAsync(new()
    {
        IdempotencyKey = PaymentShop.NewKey(),
        OrderId = $"bench-{Guid.NewGuid():N}",
        UserId = customer,
        Amount = PaymentShop.Euros(42),
        PaymentMethodToken = tokens[caller % tokens.Length],
    }, orders).ResponseAsync;

    await Measurements.RunAsync(Callers, duration / 4, (caller, _) => Authorize(caller));
    var result = await Measurements.RunAsync(Callers, duration, (caller, _) => Authorize(caller));
    Console.WriteLine($"| provider latency {latency} ms | {result.PerSecond:N0} | {result.P50Ms:N1} | {result.P99Ms:N1} |");
}
