using ECommerce.ServiceDefaults;
using ECommerce.Users;
using ECommerce.Users.Api;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddUsersServices();

var app = builder.Build();
app.MapGrpcService<UsersApi>();
app.MapDefaultEndpoints();
app.Run();

public partial class Program;
