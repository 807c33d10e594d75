using ECommerce.Gateway;
using ECommerce.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddGateway();

var app = builder.Build();
app.UseGateway();
app.MapGateway();
app.MapDefaultEndpoints();
app.Run();

public partial class Program;
