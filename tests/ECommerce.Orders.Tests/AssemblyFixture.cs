using ECommerce.Orders.Tests;

[assembly: AssemblyFixture(typeof(OrdersTestEnvironment))]
// Every test runs real processes of six services on two shared cores; one test at a time keeps each one's timing sane.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
