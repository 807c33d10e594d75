using ECommerce.Contracts.Users.V1;
using Grpc.Core;

namespace ECommerce.Users.Tests;

public sealed class AuthorizationTests(UsersServiceHost users)
{
    [Fact]
    public async Task A_user_cannot_read_or_change_another_users_account()
    {
        var alice = await users.RegisterAsync();
        var mallory = await users.RegisterAsync();
        var asMallory = UsersServiceHost.Bearer(mallory.Tokens.AccessToken);

        var calls = new Func<Task>[]
        {
            () => users.Client.GetProfileAsync(new GetProfileRequest { UserId = alice.User.UserId }, asMallory).ResponseAsync,
            () => users.Client.UpdateProfileAsync(new UpdateProfileRequest
            {
                UserId = alice.User.UserId,
                User = new UserProfile { DisplayName = "pwned" },
                UpdateMask = new() { Paths = { "display_name" } },
            }, asMallory).ResponseAsync,
            () => users.Client.ListAddressesAsync(new ListAddressesRequest { UserId = alice.User.UserId }, asMallory).ResponseAsync,
            () => users.Client.AddAddressAsync(new AddAddressRequest { UserId = alice.User.UserId, Address = AccountTests.Address("Evil", "Nowhere", false) }, asMallory).ResponseAsync,
        };

        foreach (var call in calls)
        {
            Assert.Equal(StatusCode.PermissionDenied, (await Assert.ThrowsAsync<RpcException>(call)).StatusCode);
        }
        var untouched = await users.Client.GetProfileAsync(new GetProfileRequest { UserId = "me" }, UsersServiceHost.Bearer(alice.Tokens.AccessToken));
        Assert.Equal("Ada Lovelace", untouched.User.DisplayName);
    }

    [Fact]
    public async Task A_user_cannot_delete_another_users_address_even_knowing_its_id()
    {
        var alice = await users.RegisterAsync();
        var mallory = await users.RegisterAsync();
        var address = await users.Client.AddAddressAsync(new AddAddressRequest { UserId = "me", Address = AccountTests.Address("Home", "Berlin", true) },
            UsersServiceHost.Bearer(alice.Tokens.AccessToken));

        var error = await Assert.ThrowsAsync<RpcException>(() => users.Client.DeleteAddressAsync(
            new DeleteAddressRequest { UserId = "me", AddressId = address.Address.AddressId }, UsersServiceHost.Bearer(mallory.Tokens.AccessToken)).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Single((await users.Client.ListAddressesAsync(new ListAddressesRequest { UserId = "me" }, UsersServiceHost.Bearer(alice.Tokens.AccessToken))).Addresses);
    }

    [Fact]
    public async Task Only_admins_manage_roles_and_read_other_accounts()
    {
        var customer = await users.RegisterAsync();
        var admin = await users.SignInAdminAsync();
        var request = new SetRolesRequest { UserId = customer.User.UserId, Roles = { Role.Customer, Role.Vendor } };

        var byCustomer = await Assert.ThrowsAsync<RpcException>(() => users.Client.SetRolesAsync(request, UsersServiceHost.Bearer(customer.Tokens.AccessToken)).ResponseAsync);
        var byAdmin = await users.Client.SetRolesAsync(request, UsersServiceHost.Bearer(admin.Tokens.AccessToken));
        var readByAdmin = await users.Client.GetProfileAsync(new GetProfileRequest { UserId = customer.User.UserId }, UsersServiceHost.Bearer(admin.Tokens.AccessToken));

        Assert.Equal(StatusCode.PermissionDenied, byCustomer.StatusCode);
        Assert.Contains(Role.Admin, admin.User.Roles);
        Assert.Equal([Role.Customer, Role.Vendor], byAdmin.User.Roles);
        Assert.Equal([Role.Customer, Role.Vendor], readByAdmin.User.Roles);
    }

    [Fact]
    public async Task A_demoted_admins_next_admin_call_is_refused_though_its_token_still_says_admin()
    {
        var admin = await users.SignInAdminAsync();
        var deputy = await users.RegisterAsync();
        await users.Client.SetRolesAsync(new SetRolesRequest { UserId = deputy.User.UserId, Roles = { Role.Customer, Role.Admin } },
            UsersServiceHost.Bearer(admin.Tokens.AccessToken));
        var deputyAsAdmin = (await users.Client.LoginAsync(new LoginRequest { Email = deputy.User.Email, Password = UsersServiceHost.Password })).Tokens.AccessToken;
        var other = await users.RegisterAsync();
        await users.Client.GetProfileAsync(new GetProfileRequest { UserId = other.User.UserId }, UsersServiceHost.Bearer(deputyAsAdmin));

        await users.Client.SetRolesAsync(new SetRolesRequest { UserId = deputy.User.UserId, Roles = { Role.Customer } },
            UsersServiceHost.Bearer(admin.Tokens.AccessToken));

        var promotingItself = await Assert.ThrowsAsync<RpcException>(() => users.Client.SetRolesAsync(
            new SetRolesRequest { UserId = deputy.User.UserId, Roles = { Role.Customer, Role.Admin } }, UsersServiceHost.Bearer(deputyAsAdmin)).ResponseAsync);
        var readingOthers = await Assert.ThrowsAsync<RpcException>(() => users.Client.GetProfileAsync(
            new GetProfileRequest { UserId = other.User.UserId }, UsersServiceHost.Bearer(deputyAsAdmin)).ResponseAsync);
        var deputyNow = await users.Client.GetProfileAsync(new GetProfileRequest { UserId = deputy.User.UserId }, UsersServiceHost.Bearer(admin.Tokens.AccessToken));

        Assert.Equal(StatusCode.PermissionDenied, promotingItself.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, readingOthers.StatusCode);
        Assert.Equal([Role.Customer], deputyNow.User.Roles);
    }
}
