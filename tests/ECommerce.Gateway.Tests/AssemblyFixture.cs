using ECommerce.Gateway.Tests;

[assembly: AssemblyFixture(typeof(GatewayHost))]
