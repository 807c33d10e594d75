using ECommerce.Cart.Tests;

[assembly: AssemblyFixture(typeof(CartTestEnvironment))]
