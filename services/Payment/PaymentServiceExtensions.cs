using ECommerce.EventBus;
using ECommerce.Payment.Api;
using ECommerce.Payment.Payments;
using ECommerce.Payment.Provider;
using ECommerce.Payment.Reconciliation;
using ECommerce.Payment.Webhooks;
using ECommerce.ServiceDefaults.Authentication;
using ECommerce.ServiceDefaults.Persistence;

namespace ECommerce.Payment;

public static class PaymentServiceExtensions
{
    public const string ServiceName = "payment";

    /// <summary>The provider's AppHost resource name: its address comes as <c>services__payment-sandbox__http__0</c>.</summary>
    public const string ProviderService = "payment-sandbox";

    public static IHostApplicationBuilder AddPaymentServices(this IHostApplicationBuilder builder)
    {
        builder.AddPostgresDatabase(ServiceName, typeof(PaymentServiceExtensions).Assembly);
        builder.AddEventBus(ServiceName);
        builder.AddJwtValidation();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(builder.Configuration.GetSection("Payment").Get<PaymentOptions>() ?? new PaymentOptions());
        var provider = builder.Configuration.GetSection("Payment:Provider").Get<ProviderOptions>() ?? new ProviderOptions();
        if (provider.ApiKey.Length == 0 || provider.WebhookSecret.Length == 0)
        {
            throw new InvalidOperationException("Payment:Provider:ApiKey and Payment:Provider:WebhookSecret are required (the AppHost passes them from secret parameters).");
        }
        builder.Services.AddSingleton(provider);
        // No resilience handler: a retried payment call is decided by PaymentKeeper, which looks the outcome up first.
        builder.Services.AddHttpClient<IPaymentProvider, SandboxProvider>(http =>
        {
            http.BaseAddress = new Uri(provider.BaseAddress.TrimEnd('/') + "/");
            http.Timeout = provider.Timeout;
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", provider.ApiKey);
        });
        builder.Services.AddSingleton<PaymentKeeper>();
        builder.Services.AddSingleton<Reconciler>();
        builder.Services.AddHostedService(services => services.GetRequiredService<Reconciler>());
        return builder;
    }

    /// <summary>The service's gRPC API and the provider's webhooks; the same call in its own process (Program.cs) and in the monolith.</summary>
    public static IEndpointRouteBuilder MapPaymentApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<PaymentApi>();
        endpoints.MapProviderWebhooks();
        return endpoints;
    }
}
