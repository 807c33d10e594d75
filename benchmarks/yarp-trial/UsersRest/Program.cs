using ECommerce.ServiceDefaults;
using ECommerce.Users;

// The Users service as its Program.cs builds it, plus Microsoft.AspNetCore.Grpc.JsonTranscoding: REST served by the service itself.
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddUsersServices();
builder.Services.AddGrpc().AddJsonTranscoding();
var app = builder.Build();
app.MapUsersApi();
app.MapDefaultEndpoints();
app.Run();
