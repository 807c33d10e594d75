using ECommerce.Orders;
using ECommerce.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddOrdersServices();

var app = builder.Build();
app.MapOrdersApi();
app.MapDefaultEndpoints();
app.Run();

public partial class Program;
