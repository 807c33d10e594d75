using ECommerce.ServiceDefaults;
using ECommerce.Users;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddUsersServices();

var app = builder.Build();
app.MapUsersApi();
app.MapDefaultEndpoints();
app.Run();

public partial class Program;
