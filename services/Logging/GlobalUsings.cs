// The namespaces nearly every file of this service uses; a file's own usings list only what is particular to it.
global using ECommerce.Contracts.Events.V1;
global using ECommerce.Logging.Errors;
global using ECommerce.Logging.Records;
global using Npgsql;
global using NpgsqlTypes;
global using LogLevel = ECommerce.Contracts.Events.V1.LogLevel;
