using ECommerce.EventBus.Outbox;
using Npgsql;

namespace ECommerce.Orders.Orders;

/// <summary>
/// Before anything else starts: applies the EF Core migrations (made with dotnet-ef, in Migrations/) and creates the
/// event bus's outbox tables, which the keeper writes in its transactions.
/// </summary>
internal sealed class OrdersSchema(IServiceScopeFactory scopes, NpgsqlDataSource dataSource) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        await using (var scope = scopes.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<OrdersDb>().Database.MigrateAsync(cancellationToken);
        }
        await OutboxSchema.EnsureCreatedAsync(dataSource, cancellationToken);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
