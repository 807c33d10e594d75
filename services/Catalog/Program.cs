using ECommerce.Catalog;
using ECommerce.Catalog.Api;
using ECommerce.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddCatalogServices();

var app = builder.Build();
app.MapGrpcService<CatalogApi>();
app.MapGrpcService<InventoryApi>();
app.MapDefaultEndpoints();
app.Run();

public partial class Program;
