using ECommerce.Grpc.Transcoding.Tests.Hosting;

// One set of servers for the whole run: starting Kestrel per test would dominate the run time.
[assembly: AssemblyFixture(typeof(BookstoreHosts))]
