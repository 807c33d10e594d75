using ECommerce.Search.Tests;

[assembly: AssemblyFixture(typeof(SearchServiceHost))]
