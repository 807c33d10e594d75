using ECommerce.Cart;
using ECommerce.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddCartServices();

var app = builder.Build();
app.MapCartApi();
app.MapDefaultEndpoints();
app.Run();

public partial class Program;
