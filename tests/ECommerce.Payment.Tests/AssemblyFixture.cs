using ECommerce.Payment.Tests;

[assembly: AssemblyFixture(typeof(PaymentTestEnvironment))]
