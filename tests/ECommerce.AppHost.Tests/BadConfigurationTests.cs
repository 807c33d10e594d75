using System.Net;
using System.Net.Sockets;
using ECommerce.AppHost.Hosting;
using ECommerce.AppHost.Orchestration;
using ECommerce.AppHost.Resources;
using ECommerce.AppHost.Tests.Harness;
using ECommerce.LocalInfrastructure;

namespace ECommerce.AppHost.Tests;

/// <summary>Each mistake gives one message naming the resource, the cause, the fix and, where there is one, the log.</summary>
public sealed class BadConfigurationTests
{
    private const string ServiceProject = "services/Gateway/ECommerce.Gateway.csproj";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_missing_service_binary_is_reported_with_the_build_command_and_the_rest_keeps_running()
    {
        await using var host = await InProcessAppHost.StartAsync(builder =>
        {
            builder.AddProject("gateway", ServiceProject);
            builder.AddProject("ghost", "services/Ghost/ECommerce.Ghost.csproj");
        }, Cancellation);

        var error = await host.Errors.WaitForAsync("error: ghost: ", Patience, Cancellation);
        Assert.Contains("ECommerce.Ghost.dll was not found", error);
        Assert.Contains("Fix: build it: `dotnet build ECommerce.AppHost", error);
        await host.Output.WaitForAsync("Not ready: ghost failed", Patience, Cancellation);
        var rows = await host.Dashboard.WaitUntilAsync(rows => rows.Single(row => row.Name == "gateway").IsRunningAndHealthy, Patience, Cancellation);
        var ghost = rows.Single(row => row.Name == "ghost");
        Assert.Equal("FailedToStart", ghost.State);
        Assert.Equal(error["error: ".Length..], ghost.Error);
    }

    [Fact]
    public async Task A_port_in_use_is_reported_with_how_to_find_who_holds_it()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;

        await using var host = await InProcessAppHost.StartAsync(builder =>
            builder.AddProject("gateway", ServiceProject).WithHttpEndpoint("http", port), Cancellation);

        var error = await host.Errors.WaitForAsync("error: gateway (http endpoint): ", Patience, Cancellation);
        Assert.Contains($"port {port} on 127.0.0.1 is already in use", error);
        Assert.Contains($"Fix: stop whatever listens there (`ss -ltnp 'sport = :{port}'` shows it)", error);
        Assert.Equal("FailedToStart", (await host.Dashboard.GetResourceAsync("gateway", Cancellation)).State);
    }

    [Fact]
    public async Task A_dashboard_port_in_use_stops_the_apphost_with_a_clear_message()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;
        var errors = new OutputLines();
        var options = InProcessAppHost.TemporaryOptions() with { DashboardPort = port };
        var builder = new DistributedApplicationBuilder(options, RepositoryLayout.Locate(),
            new AppHostConsole(new OutputLinesWriter(new OutputLines()), new OutputLinesWriter(errors)));
        builder.AddProject("gateway", ServiceProject);

        var exitCode = await builder.Build().RunAsync(Cancellation);

        Assert.Equal(1, exitCode);
        Assert.StartsWith($"error: Dashboard: port {port} on 127.0.0.1 is already in use.", Assert.Single(errors.All));
        Processes.DeleteDirectory(options.DataDirectory);
    }

    [Fact]
    public async Task A_database_that_will_not_start_is_reported_with_its_log_and_what_waits_for_it_never_starts()
    {
        var options = InProcessAppHost.TemporaryOptions();
        // A data folder that looks initialised but is not a PostgreSQL cluster, as after a bad copy.
        Directory.CreateDirectory(Path.Combine(options.DataDirectory, "postgres"));
        await File.WriteAllTextAsync(Path.Combine(options.DataDirectory, "postgres", "PG_VERSION"), "15\n", Cancellation);
        await File.WriteAllTextAsync(Path.Combine(options.DataDirectory, "postgres.password"), "unused\n", Cancellation);

        await using var host = await InProcessAppHost.StartAsync(builder =>
        {
            var postgres = builder.AddPostgres("postgres");
            builder.AddProject("gateway", ServiceProject).WaitFor(postgres);
        }, Cancellation, options);

        var error = await host.Errors.WaitForAsync("error: PostgreSQL: the server exited while starting", Patience, Cancellation);
        Assert.Contains("Fix: read the log", error);
        Assert.EndsWith($"Log: {Path.Combine(options.DataDirectory, "postgres.log")}", error);
        await host.Output.WaitForAsync("Not ready: postgres failed", Patience, Cancellation);
        var rows = await host.Dashboard.GetResourcesAsync(Cancellation);
        Assert.Equal(["FailedToStart", "Waiting"], rows.Select(row => row.State));
    }

    [Fact]
    public async Task A_service_that_never_gets_healthy_is_reported_with_its_log()
    {
        // Long enough for the gateway to be listening, so that the last probe meets its HTTP/1.1-only endpoint.
        var options = InProcessAppHost.TemporaryOptions() with { HealthTimeout = TimeSpan.FromSeconds(20) };

        // Its gRPC endpoint speaks HTTP/1.1 only, so grpc.health.v1 can never answer.
        await using var host = await InProcessAppHost.StartAsync(builder =>
            builder.AddProject("gateway", ServiceProject).WithEnvironment("Kestrel__Endpoints__grpc__Protocols", "Http1"), Cancellation, options);

        var error = await host.Errors.WaitForAsync("error: gateway: is running but did not report healthy within 20 s (last probe: ", Patience, Cancellation);
        Assert.Contains("answered Internal: The HTTP/2 server closed the connection. HTTP/2 error code 'HTTP_1_1_REQUIRED'", error);
        Assert.EndsWith($"Log: {Path.Combine(options.LogsDirectory, "gateway.log")}", error);
        var gateway = await host.Dashboard.GetResourceAsync("gateway", Cancellation);
        Assert.Equal(("Running", "Unhealthy"), (gateway.State, gateway.Health));
    }

    [Fact]
    public void An_unknown_command_line_option_is_refused_with_the_usage()
    {
        var error = Assert.Throws<InfrastructureException>(() => AppHostOptions.Parse(["--dashbord-port", "80"], RepositoryLayout.Locate()));

        Assert.Equal("AppHost command line: '--dashbord-port 80' is not understood. Fix: " + AppHostOptions.Usage, error.Message);
    }
}
