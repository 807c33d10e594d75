// The namespaces nearly every file of this service uses; a file's own usings list only what is particular to it.
global using ECommerce.Catalog.Caching;
global using ECommerce.Catalog.Categories;
global using ECommerce.Catalog.Events;
global using ECommerce.Catalog.Inventory;
global using ECommerce.Catalog.Pricing;
global using ECommerce.Catalog.Products;
global using ECommerce.Contracts.Catalog.V1;
global using ECommerce.Contracts.Events.V1;
global using ECommerce.EventBus.Outbox;
global using ECommerce.Grpc;
global using Npgsql;
