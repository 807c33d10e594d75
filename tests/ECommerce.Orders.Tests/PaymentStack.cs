using ECommerce.Contracts.Orders.V1;
using ECommerce.Testing;

namespace ECommerce.Orders.Tests;

/// <summary>The Payment service as its own process over its own database, and the sandbox provider as its own process.</summary>
public sealed class PaymentStack : IAsyncDisposable
{
    private readonly Dictionary<string, string> _environment;

    private PaymentStack(ServiceProcess service, SandboxProcess sandbox, Dictionary<string, string> environment)
    {
        Service = service;
        Sandbox = sandbox;
        _environment = environment;
    }

    public ServiceProcess Service { get; private set; }
    public SandboxProcess Sandbox { get; }

    /// <param name="latencyMs">Added by the sandbox to every answer (the slow provider of the crash test).</param>
    public static async Task<PaymentStack> StartAsync(OrdersTestEnvironment environment, int latencyMs = 0)
    {
        var (apiKey, webhookSecret) = (SandboxProcess.NewSecret(), SandboxProcess.NewSecret());
        var sandboxAddress = SandboxProcess.NewAddress();
        var settings = new Dictionary<string, string>(environment.Common())
        {
            ["ConnectionStrings__payment"] = await environment.Infrastructure.CreateDatabaseAsync("payment"),
            ["Payment__Provider__BaseAddress"] = sandboxAddress.ToString(),
            ["Payment__Provider__ApiKey"] = apiKey,
            ["Payment__Provider__WebhookSecret"] = webhookSecret,
            ["Payment__Provider__Timeout"] = latencyMs > 0 ? "00:00:30" : "00:00:01",
        };
        var service = await ServiceProcess.StartAsync("Payment", settings);
        var sandbox = await SandboxProcess.StartAsync(sandboxAddress, apiKey, webhookSecret, new Uri(service.Address, "/webhooks/payment-provider"), latencyMs: latencyMs);
        return new PaymentStack(service, sandbox, settings);
    }

    /// <summary>A checkout of <paramref name="customer"/>'s cart, paid with an approved card tokenised at this stack's sandbox.</summary>
    public async Task<PlaceOrderRequest> CheckoutAsync(OrdersTestEnvironment shop, Customer customer)
    {
        var request = await shop.CheckoutAsync(customer);
        request.PaymentMethodToken = await Sandbox.TokeniseAsync(SandboxCards.Approved);
        return request;
    }

    /// <summary>Stops the Payment service (the sandbox keeps its records).</summary>
    public Task StopServiceAsync() => Service.KillAsync();

    /// <summary>Starts the Payment service again where it was.</summary>
    public async Task RestartServiceAsync()
    {
        var address = Service.Address;
        await Service.DisposeAsync();
        Service = await ServiceProcess.StartAsync("Payment", _environment, address: address);
    }

    public async ValueTask DisposeAsync()
    {
        await Sandbox.DisposeAsync();
        await Service.DisposeAsync();
    }
}
