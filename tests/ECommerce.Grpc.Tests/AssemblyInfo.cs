[assembly: AssemblyFixture(typeof(ECommerce.Grpc.Tests.Hosting.SharedInteropServer))]
