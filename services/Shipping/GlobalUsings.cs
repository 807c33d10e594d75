// The namespaces nearly every file of this service uses; a file's own usings list only what is particular to it.
global using ECommerce.Contracts.Common.V1;
global using ECommerce.Contracts.Shipping.V1;
global using ECommerce.Grpc;
global using ECommerce.Shipping.Carrier;
global using ECommerce.Shipping.Quotes;
global using ECommerce.Shipping.Shipments;
global using Npgsql;
global using ECommerce.ServiceDefaults.Partners;
