using ECommerce.Users.Tests;

[assembly: AssemblyFixture(typeof(UsersServiceHost))]
