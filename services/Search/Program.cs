using ECommerce.Search;
using ECommerce.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddSearchServices();

var app = builder.Build();
app.MapSearchApi();
app.MapDefaultEndpoints();
app.Run();

public partial class Program;
