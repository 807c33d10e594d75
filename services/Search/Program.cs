using ECommerce.Search;
using ECommerce.Search.Api;
using ECommerce.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddSearchServices();

var app = builder.Build();
app.MapGrpcService<SearchApi>();
app.MapDefaultEndpoints();
app.Run();

public partial class Program;
