using Aspire.Hosting;
using Aspire.Hosting.Testing;
using ECommerce.Contracts.Users.V1;
using ECommerce.LocalInfrastructure.Postgres;
using Grpc.Net.Client;
using Npgsql;

namespace ECommerce.AppHost.Tests;

/// <summary>
/// A connection string in the AppHost's configuration points a resource at a server that already runs (how a developer reaches
/// a real PostgreSQL, Redis or Kafka): Program.cs is started through Aspire.Hosting.Testing with ConnectionStrings:postgres set.
/// </summary>
[Collection(Harness.AppHostProcess.Collection)]
public sealed class ExistingServerTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_configured_postgres_connection_string_makes_services_use_that_server_and_the_apphost_starts_none()
    {
        await using var existing = await PostgresServer.StartAsync(cancellationToken: Cancellation);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.ECommerce_AppHost>(
            ["--AppHost:ThrowawayData", "true", "--ConnectionStrings:postgres", existing.ConnectionString()], Cancellation);
        await using var app = await builder.BuildAsync(Cancellation);
        await app.StartAsync(Cancellation);
        await app.ResourceNotifications.WaitForResourceHealthyAsync("users", Cancellation).WaitAsync(TimeSpan.FromMinutes(4), Cancellation);

        using var channel = GrpcChannel.ForAddress(app.GetEndpoint("users", "grpc"));
        var email = $"existing-{Guid.NewGuid():N}@example.com";
        await new UsersService.UsersServiceClient(channel).RegisterAsync(
            new RegisterRequest { Email = email, Password = "correct horse battery staple", DisplayName = "Existing" }, cancellationToken: Cancellation);

        await using var connection = new NpgsqlConnection(existing.ConnectionString("users"));
        await connection.OpenAsync(Cancellation);
        await using var count = new NpgsqlCommand("SELECT count(*) FROM users WHERE email = $1", connection) { Parameters = { new() { Value = email } } };
        Assert.Equal(1L, await count.ExecuteScalarAsync(Cancellation));
        // The postgres resource started no server: it has no process of its own.
        Assert.True(app.ResourceNotifications.TryGetCurrentState("postgres", out var postgres));
        Assert.DoesNotContain(postgres.Snapshot.Properties, property => property.Name == "executable.pid");
    }
}
