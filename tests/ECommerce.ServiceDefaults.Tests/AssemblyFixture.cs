using ECommerce.Testing;

[assembly: AssemblyFixture(typeof(TestInfrastructure))]
