using ECommerce.Catalog;
using ECommerce.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddCatalogServices();

var app = builder.Build();
app.MapCatalogApi();
app.MapDefaultEndpoints();
app.Run();

public partial class Program;
