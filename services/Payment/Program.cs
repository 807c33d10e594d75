using ECommerce.Payment;
using ECommerce.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddPaymentServices();

var app = builder.Build();
app.MapPaymentApi();
app.MapDefaultEndpoints();
app.Run();

public partial class Program;
