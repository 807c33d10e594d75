using ECommerce.PaymentSandbox;

// The sandbox payment provider: its own process, as an external processor would be. See services/PaymentSandbox/README.md.
var builder = WebApplication.CreateBuilder(args);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
// The common shape of processors' APIs: snake_case JSON.
builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower);
builder.Services.AddSingleton(builder.Configuration.GetSection("Sandbox").Get<SandboxOptions>() ?? new SandboxOptions());
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<SandboxStore>();
builder.Services.AddSingleton<WebhookSender>();
builder.Services.AddHostedService(provider => provider.GetRequiredService<WebhookSender>());
builder.Services.AddHttpClient(WebhookSender.HttpClientName);

var app = builder.Build();
app.MapGet("/health", () => Results.Ok(new { status = "ok" }));
app.MapSandboxApi();
app.Run();
