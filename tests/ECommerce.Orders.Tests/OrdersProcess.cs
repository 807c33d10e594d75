using ECommerce.Contracts.Orders.V1;
using ECommerce.Testing;

namespace ECommerce.Orders.Tests;

/// <summary>The Orders service as its own process (so a test can kill -9 it), over its own database.</summary>
public sealed class OrdersProcess : IAsyncDisposable
{
    private readonly Dictionary<string, string> _environment;

    private OrdersProcess(ServiceProcess process, Dictionary<string, string> environment)
    {
        Process = process;
        _environment = environment;
    }

    public ServiceProcess Process { get; private set; }
    public string Database => _environment["ConnectionStrings__orders"];
    public OrdersService.OrdersServiceClient Client => new(Process.Channel);

    /// <param name="settings">Overrides, e.g. another <c>services__catalog__grpc__0</c>.</param>
    public static async Task<OrdersProcess> StartAsync(OrdersTestEnvironment environment, IReadOnlyDictionary<string, string>? settings = null)
    {
        var all = new Dictionary<string, string>(environment.Common())
        {
            ["ConnectionStrings__orders"] = await environment.Infrastructure.CreateDatabaseAsync("orders"),
            ["services__catalog__grpc__0"] = environment.Catalog.Address.ToString(),
            ["services__cart__grpc__0"] = environment.Cart.Address.ToString(),
            ["services__payment__grpc__0"] = environment.Payment.Service.Address.ToString(),
            ["ServiceIdentity__ClientId"] = "orders",
            ["ServiceIdentity__ClientSecret"] = environment.Users.ServiceSecret("orders"),
            ["services__shipping__grpc__0"] = environment.Shipping.Process.Address.ToString(),
            ["Orders__SagaLease"] = "00:00:03",
            ["Orders__ResumeInterval"] = "00:00:01",
            ["Orders__CallTimeout"] = "00:00:05",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            all[key] = value;
        }
        return new OrdersProcess(await ServiceProcess.StartAsync("Orders", all), all);
    }

    /// <summary>kill -9, then a new process over the same database (on a new port).</summary>
    public async Task KillAndRestartAsync()
    {
        await KillAsync();
        await RestartAsync();
    }

    /// <summary>kill -9: what it left in its database stays as it was until <see cref="RestartAsync"/>.</summary>
    public async Task KillAsync()
    {
        await Process.KillAsync();
        await Process.DisposeAsync();
    }

    /// <summary>A new process over the same database (on a new port).</summary>
    public async Task RestartAsync() => Process = await ServiceProcess.StartAsync("Orders", _environment);

    public Task<T> QueryAsync<T>(string sql, params object[] parameters) => Sql.ScalarAsync<T>(Database, sql, parameters);

    public ValueTask DisposeAsync() => Process.DisposeAsync();
}
