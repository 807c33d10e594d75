using ECommerce.Catalog.Tests;

[assembly: AssemblyFixture(typeof(CatalogTestEnvironment))]
