using ECommerce.CarrierSandbox;

// The sandbox parcel carrier: its own process, as an external carrier would be. See services/CarrierSandbox/README.md.
var builder = WebApplication.CreateBuilder(args);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower);
builder.Services.AddSingleton(builder.Configuration.GetSection("Sandbox").Get<SandboxOptions>() ?? new SandboxOptions());
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<WebhookSender>();
builder.Services.AddSingleton<CarrierStore>();
builder.Services.AddHostedService(provider => provider.GetRequiredService<WebhookSender>());
builder.Services.AddHostedService<CarrierClock>();
builder.Services.AddHttpClient(WebhookSender.HttpClientName);

var app = builder.Build();
app.MapGet("/health", () => Results.Ok(new { status = "ok" }));
app.MapCarrierApi();
app.Run();
