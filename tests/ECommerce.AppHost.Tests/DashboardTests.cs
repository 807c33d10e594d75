using System.Diagnostics;
using System.Net;
using ECommerce.AppHost.Tests.Harness;
using ECommerce.Contracts.Users.V1;
using Grpc.Net.Client;

namespace ECommerce.AppHost.Tests;

[Collection(AppHostProcessCollection.Name)]
public sealed class DashboardTests(RunningMesh mesh)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_declared_resource_runs_healthy_and_the_rest_edge_answers()
    {
        var rows = await mesh.WaitUntilHealthyAsync();

        Assert.Equal(AppHostProcess.MeshResources, rows.Select(row => row.Name));
        Assert.All(rows.Where(row => row.Kind != "Kafka"), row => Assert.True(Processes.IsRunning(row.ProcessId!.Value), $"{row.Name} has a live process"));
        var gateway = rows.Single(row => row.Name == "gateway");
        Assert.Equal(["grpc", "http"], gateway.Endpoints.Select(endpoint => endpoint.Name));

        var edgeLine = await mesh.Host.Output.WaitForAsync("REST edge: ", TimeSpan.FromSeconds(5), Cancellation);
        Assert.StartsWith($"REST edge: {gateway.Url("http")} ", edgeLine);
        using var http = new HttpClient();
        Assert.Equal("Healthy", await http.GetStringAsync($"{gateway.Url("http")}/health", Cancellation));
    }

    [Fact]
    public async Task Each_resource_starts_only_once_what_it_waits_for_is_healthy()
    {
        await mesh.WaitUntilHealthyAsync();
        var output = mesh.Host.Output.All.ToList();
        int First(string prefix) => output.FindIndex(line => line.StartsWith(prefix, StringComparison.Ordinal));

        // Program.cs: users waits for postgres and kafka; the gateway for users and redis.
        Assert.All(new[] { ("postgres", "users"), ("kafka", "users"), ("users", "gateway"), ("redis", "gateway") }, pair =>
            Assert.True(First($"{pair.Item1}: healthy") is var healthy and >= 0 && healthy < First($"{pair.Item2}: started"),
                $"{pair.Item2} started before {pair.Item1} was healthy:\n{string.Join('\n', output)}"));
    }

    [Fact]
    public async Task The_users_service_keeps_accounts_in_its_database()
    {
        var users = (await mesh.WaitUntilHealthyAsync()).Single(row => row.Name == "users");
        using var channel = GrpcChannel.ForAddress(users.Url("grpc"));
        var client = new UsersService.UsersServiceClient(channel);
        var email = $"{Guid.NewGuid():N}@example.com";

        var registered = await client.RegisterAsync(new RegisterRequest { Email = email, Password = "correct horse battery", DisplayName = "Ada" },
            cancellationToken: Cancellation);
        var loggedIn = await client.LoginAsync(new LoginRequest { Email = email, Password = "correct horse battery" }, cancellationToken: Cancellation);

        Assert.Equal(registered.User.UserId, loggedIn.User.UserId);
        Assert.NotEmpty(loggedIn.Tokens.AccessToken);
    }

    [Fact]
    public async Task A_service_stopped_from_the_dashboard_is_gone_until_it_is_started_again()
    {
        var before = (await mesh.WaitUntilHealthyAsync()).Single(row => row.Name == "gateway");

        var stop = await mesh.Dashboard.ActAsync("gateway", "stop", cancellationToken: Cancellation);
        Assert.Equal(HttpStatusCode.OK, stop.StatusCode);
        var stopped = await mesh.Dashboard.GetResourceAsync("gateway", Cancellation);
        Assert.Equal("Stopped", stopped.State);
        Assert.Null(stopped.ProcessId);
        Assert.False(Processes.IsRunning(before.ProcessId!.Value), "the stopped service's process is gone");
        Assert.All(await mesh.Dashboard.GetResourcesAsync(Cancellation), row =>
            Assert.True(row.Name == "gateway" || row.IsRunningAndHealthy, $"{row} keeps running"));

        Assert.Equal(HttpStatusCode.OK, (await mesh.Dashboard.ActAsync("gateway", "start", cancellationToken: Cancellation)).StatusCode);
        var after = (await mesh.WaitUntilHealthyAsync()).Single(row => row.Name == "gateway");
        Assert.NotEqual(before.ProcessId, after.ProcessId);
        Assert.Equal(before.Endpoints, after.Endpoints);
    }

    [Fact]
    public async Task Restarting_postgres_gives_a_new_process_on_the_same_address()
    {
        var before = (await mesh.WaitUntilHealthyAsync()).Single(row => row.Name == "postgres");

        Assert.Equal(HttpStatusCode.OK, (await mesh.Dashboard.ActAsync("postgres", "restart", cancellationToken: Cancellation)).StatusCode);

        var after = (await mesh.WaitUntilHealthyAsync()).Single(row => row.Name == "postgres");
        Assert.NotEqual(before.ProcessId, after.ProcessId);
        Assert.Equal(before.Url("tcp"), after.Url("tcp"));
        Assert.Equal(before.Restarts + 1, after.Restarts);
    }

    [Fact]
    public async Task A_crashed_service_is_restarted_while_the_others_keep_running()
    {
        var before = await mesh.WaitUntilHealthyAsync();
        var gateway = before.Single(row => row.Name == "gateway");

        Process.GetProcessById(gateway.ProcessId!.Value).Kill();

        var after = await mesh.Dashboard.WaitUntilAsync(rows => rows.Single(row => row.Name == "gateway") is { IsRunningAndHealthy: true } restarted
            && restarted.ProcessId != gateway.ProcessId, TimeSpan.FromSeconds(60), Cancellation);
        Assert.Equal(gateway.Restarts + 1, after.Single(row => row.Name == "gateway").Restarts);
        Assert.Equal(before.Where(row => row.Name != "gateway").Select(row => row.ProcessId), after.Where(row => row.Name != "gateway").Select(row => row.ProcessId));
        Assert.Contains(mesh.Host.Errors.All, line => line.StartsWith("error: gateway: exited unexpectedly", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Actions_need_the_dashboard_header_and_kafka_cannot_be_stopped_alone()
    {
        await mesh.WaitUntilHealthyAsync();

        Assert.Equal(HttpStatusCode.BadRequest, (await mesh.Dashboard.ActAsync("gateway", "stop", withActionHeader: false, Cancellation)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await mesh.Dashboard.ActAsync("kafka", "stop", cancellationToken: Cancellation)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await mesh.Dashboard.ActAsync("nosuchthing", "stop", cancellationToken: Cancellation)).StatusCode);
        Assert.Equal("Running", (await mesh.Dashboard.GetResourceAsync("gateway", Cancellation)).State);
    }

    [Fact]
    public async Task A_services_console_log_streams_live()
    {
        await mesh.WaitUntilHealthyAsync();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));

        await using var stream = await mesh.Dashboard.Http.GetStreamAsync("/api/resources/gateway/logs", timeout.Token);
        using var reader = new StreamReader(stream);
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal) && line.Contains("Now listening on", StringComparison.Ordinal))
            {
                return;
            }
        }
        Assert.Fail("The log stream ended without the gateway's start-up lines.");
    }
}
