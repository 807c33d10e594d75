using System.Net;
using ECommerce.AppHost.Hosting;
using ECommerce.AppHost.Resources;
using ECommerce.AppHost.Tests.Harness;
using ECommerce.LocalInfrastructure;
using Npgsql;

namespace ECommerce.AppHost.Tests;

/// <summary>
/// --mode monolith: the declared services become one process (ECommerce.Monolith) that keeps each one's
/// endpoints and configuration, connects them in-process, and is supervised like any service.
/// </summary>
public sealed class MonolithModeTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_services_run_in_one_process_with_their_own_configuration_and_reach_each_other_in_process()
    {
        await using var host = await InProcessAppHost.StartAsync(DeclareUsersBehindTheGateway, Cancellation, Monolith());
        await host.Output.WaitForAsync("Ready: ", Patience, Cancellation, host.Diagnostics);
        var rows = (await host.Dashboard.GetResourcesAsync(Cancellation)).ToDictionary(row => row.Name);

        Assert.Equal(["postgres", "kafka", "monolith"], rows.Keys);
        var monolith = rows["monolith"];
        Assert.Equal("Monolith", monolith.Kind);
        Assert.Equal(["users-grpc", "gateway-grpc", "gateway-http"], monolith.Endpoints.Select(endpoint => endpoint.Name));
        Assert.Contains(host.Output.All, line => line == $"REST edge: {monolith.Url("gateway-http")} (monolith/gateway-http)");

        // Each service's own variables, under its own section; no service addresses, since calls stay in-process.
        var environment = Processes.EnvironmentOf(monolith.ProcessId!.Value);
        await using (var database = new NpgsqlConnection(environment["Modules__users__ConnectionStrings__users"]))
        {
            await database.OpenAsync(Cancellation);
        }
        Assert.Equal("users", environment["Modules__users__OTEL_SERVICE_NAME"]);
        Assert.Equal("Http1", environment["Modules__gateway__Kestrel__Endpoints__http__Protocols"]);
        Assert.DoesNotContain(environment.Keys, key => key.StartsWith("ConnectionStrings__", StringComparison.Ordinal));
        Assert.DoesNotContain(environment.Keys, key => key.Contains("services__", StringComparison.Ordinal));

        // The gateway's REST route reaches Users; the gateway's log says where it forwards.
        using var http = new HttpClient();
        using var jwks = await http.GetAsync($"{monolith.Url("gateway-http")}/v1/auth/jwks", Cancellation);
        Assert.Equal(HttpStatusCode.OK, jwks.StatusCode);
        Assert.Contains("\"keys\"", await jwks.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
        var log = await File.ReadAllTextAsync(monolith.LogFile!, Cancellation);
        Assert.Contains("REST routes of users mapped: ", log, StringComparison.Ordinal);
        Assert.Contains("forwarded to inproc://users", log, StringComparison.Ordinal);

        Assert.Equal(0, await host.StopAsync());
        Assert.False(Processes.IsRunning(monolith.ProcessId!.Value));
    }

    [Fact]
    public async Task A_killed_monolith_is_restarted_and_serves_again()
    {
        await using var host = await InProcessAppHost.StartAsync(DeclareUsersBehindTheGateway, Cancellation, Monolith());
        await host.Output.WaitForAsync("Ready: ", Patience, Cancellation, host.Diagnostics);
        var before = await host.Dashboard.GetResourceAsync("monolith", Cancellation);

        Kill(before.ProcessId!.Value);

        var rows = await host.Dashboard.WaitUntilAsync(rows => rows.Single(row => row.Name == "monolith") is { Restarts: 1 } row && row.IsRunningAndHealthy,
            Patience, Cancellation);
        var after = rows.Single(row => row.Name == "monolith");
        Assert.NotEqual(before.ProcessId, after.ProcessId);
        using var http = new HttpClient();
        using var jwks = await http.GetAsync($"{after.Url("gateway-http")}/v1/auth/jwks", Cancellation);
        Assert.Equal(HttpStatusCode.OK, jwks.StatusCode);
    }

    [Fact]
    public void An_unknown_mode_is_refused_with_the_usage()
    {
        var error = Assert.Throws<InfrastructureException>(() => AppHostOptions.Parse(["--mode", "microliths"], RepositoryLayout.Locate()));

        Assert.Equal("AppHost command line: '--mode microliths' is not understood. Fix: " + AppHostOptions.Usage, error.Message);
        Assert.Equal(AppHostMode.Monolith, AppHostOptions.Parse(["--mode", "monolith"], RepositoryLayout.Locate()).Mode);
        Assert.Equal(AppHostMode.Mesh, AppHostOptions.Parse([], RepositoryLayout.Locate()).Mode);
    }

    [Fact]
    public async Task A_service_that_cannot_start_stops_the_monolith_with_a_message_naming_it()
    {
        // Users cannot reach its database (nothing listens on port 1), so it fails while starting.
        var (exitCode, output) = await RunMonolithAsync(new Dictionary<string, string>
        {
            ["Modules__users__ConnectionStrings__users"] = "Host=127.0.0.1;Port=1;Database=users;Username=nobody;Password=x;Timeout=2",
            ["Modules__users__Kestrel__Endpoints__grpc__Url"] = "http://127.0.0.1:0",
        });

        Assert.Equal(1, exitCode);
        Assert.Contains(output, line => line.StartsWith("monolith: users failed: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Configuration_for_a_service_it_does_not_host_is_refused()
    {
        var (exitCode, output) = await RunMonolithAsync(new Dictionary<string, string> { ["Modules__basket__Kestrel__Endpoints__grpc__Url"] = "http://127.0.0.1:0" });

        Assert.Equal(2, exitCode);
        Assert.Contains("monolith: configuration names services this monolith does not host: basket (it hosts users, catalog, search, gateway).", output);
    }

    /// <summary>ECommerce.Monolith on its own, as the AppHost starts it; returns its exit code and every line it wrote.</summary>
    private static async Task<(int ExitCode, IReadOnlyList<string> Output)> RunMonolithAsync(IReadOnlyDictionary<string, string> environment)
    {
        var startInfo = new System.Diagnostics.ProcessStartInfo("dotnet", [RepositoryLayout.Locate().OutputAssembly(MonolithResource.ProjectPath)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in environment)
        {
            startInfo.Environment[name] = value;
        }
        using var process = System.Diagnostics.Process.Start(startInfo)!;
        var output = process.StandardOutput.ReadToEndAsync(Cancellation);
        var errors = process.StandardError.ReadToEndAsync(Cancellation);
        await process.WaitForExitAsync(Cancellation).WaitAsync(Patience, Cancellation);
        return (process.ExitCode, (await output + await errors).Split('\n'));
    }

    private static AppHostOptions Monolith() => InProcessAppHost.TemporaryOptions() with { Mode = AppHostMode.Monolith };

    private static void DeclareUsersBehindTheGateway(DistributedApplicationBuilder builder)
    {
        var postgres = builder.AddPostgres("postgres");
        var kafka = builder.AddKafka("kafka", brokers: 1).WithTopic("users", partitions: 1);
        var users = builder.AddProject("users", "services/Users/ECommerce.Users.csproj")
            .WithReference(postgres.AddDatabase("users")).WaitFor(postgres)
            .WithReference(kafka).WaitFor(kafka);
        builder.AddProject("gateway", "services/Gateway/ECommerce.Gateway.csproj")
            .WithHttpEndpoint("http", isExternal: true)
            .WithReference(users).WaitFor(users);
    }

    private static void Kill(int pid) => System.Diagnostics.Process.GetProcessById(pid).Kill();
}
