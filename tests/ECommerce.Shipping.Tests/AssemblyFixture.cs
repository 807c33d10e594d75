using ECommerce.Shipping.Tests;

[assembly: AssemblyFixture(typeof(ShippingTestEnvironment))]
