using ECommerce.Logging.Tests;

[assembly: AssemblyFixture(typeof(LoggingTestEnvironment))]
