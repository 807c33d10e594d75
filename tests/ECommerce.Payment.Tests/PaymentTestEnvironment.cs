using ECommerce.Contracts.Payment.V1;
using ECommerce.Testing;
using Metadata = Grpc.Core.Metadata;

namespace ECommerce.Payment.Tests;

/// <summary>What the tests of the assembly share: the infrastructure, Users, one Payment shop, and the tokens of every kind of caller. Tests keep apart by their own orders, keys and cards.</summary>
public sealed class PaymentTestEnvironment : IAsyncLifetime
{
    public TestInfrastructure Infrastructure { get; } = new();
    public UsersForTests Users { get; private set; } = null!;
    public PaymentShop Shop { get; private set; } = null!;
    public Metadata Orders { get; private set; } = null!;
    public Metadata Shipping { get; private set; } = null!;
    public Metadata Admin { get; private set; } = null!;
    public Metadata Customer { get; private set; } = null!;
    public string CustomerId { get; private set; } = "";
    public Metadata OtherCustomer { get; private set; } = null!;

    public PaymentService.PaymentServiceClient Payments => Shop.Client;

    public async ValueTask InitializeAsync()
    {
        Users = await UsersForTests.StartAsync(Infrastructure);
        Shop = await PaymentShop.StartAsync(Infrastructure, Users);
        Orders = UsersForTests.Bearer(await Users.ServiceTokenAsync("orders"));
        Shipping = UsersForTests.Bearer(await Users.ServiceTokenAsync("shipping"));
        Admin = UsersForTests.Bearer(await Users.AdminTokenAsync());
        var customer = await Users.CustomerTokenAsync();
        Customer = UsersForTests.Bearer(customer);
        CustomerId = PaymentShop.SubjectOf(customer);
        OtherCustomer = UsersForTests.Bearer(await Users.CustomerTokenAsync());
    }

    /// <summary>An approved authorization of <paramref name="amount"/> for the customer, made as Orders.</summary>
    public async Task<Contracts.Payment.V1.Payment> AuthorizedAsync(Contracts.Common.V1.Money? amount = null) =>
        (await Payments.AuthorizeAsync(await Shop.AuthorizationRequestAsync(CustomerId, amount: amount), Orders)).Payment;

    public async ValueTask DisposeAsync()
    {
        if (Shop is not null)
        {
            await Shop.DisposeAsync();
        }
        if (Users is not null)
        {
            await Users.DisposeAsync();
        }
        await Infrastructure.DisposeAsync();
    }
}
