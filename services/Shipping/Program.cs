using ECommerce.ServiceDefaults;
using ECommerce.Shipping;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddShippingServices();

var app = builder.Build();
app.MapShippingApi();
app.MapDefaultEndpoints();
app.Run();

public partial class Program;
