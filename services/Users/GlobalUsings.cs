// The namespaces nearly every file of this service uses; a file's own usings list only what is particular to it.
global using ECommerce.Grpc;
global using ECommerce.ServiceDefaults.Authentication;
global using ECommerce.Users.Accounts;
global using ECommerce.Users.Tokens;
global using Npgsql;
