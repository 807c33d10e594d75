using ECommerce.Testing;
using ECommerce.Contracts.Users.V1;
using Grpc.Core;

namespace ECommerce.Users.Tests;

/// <summary>Every RPC answers bad input with INVALID_ARGUMENT naming each wrong field.</summary>
public sealed class BadInputTests(UsersServiceHost users)
{
    public static TheoryData<string, string[]> Cases => new()
    {
        { "Register", ["email", "password", "display_name"] },
        { "Login", ["email", "password"] },
        { "Refresh", ["refresh_token"] },
        { "Logout", ["refresh_token"] },
        { "GetProfile", ["user_id"] },
        { "UpdateProfile", ["update_mask"] },
        { "UpdateProfileWrongField", ["update_mask"] },
        { "ListAddresses", ["user_id"] },
        { "AddAddress", ["address.address.recipient_name", "address.address.line1", "address.address.city", "address.address.postal_code", "address.address.country_code"] },
        { "UpdateAddress", ["address_id"] },
        { "DeleteAddress", ["address_id"] },
        { "SetRoles", ["roles"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_input_is_invalid_argument_with_field_details(string rpc, string[] expectedFields)
    {
        var admin = UsersServiceHost.Bearer((await users.SignInAdminAsync()).Tokens.AccessToken);
        var client = users.Client;
        Func<Task> call = rpc switch
        {
            "Register" => () => client.RegisterAsync(new RegisterRequest { Email = "not-an-email", Password = "short", DisplayName = "" }).ResponseAsync,
            "Login" => () => client.LoginAsync(new LoginRequest()).ResponseAsync,
            "Refresh" => () => client.RefreshAsync(new RefreshRequest()).ResponseAsync,
            "Logout" => () => client.LogoutAsync(new LogoutRequest()).ResponseAsync,
            "GetProfile" => () => client.GetProfileAsync(new GetProfileRequest { UserId = "not-a-user-id" }, admin).ResponseAsync,
            "UpdateProfile" => () => client.UpdateProfileAsync(new UpdateProfileRequest { UserId = "me" }, admin).ResponseAsync,
            "UpdateProfileWrongField" => () => client.UpdateProfileAsync(new UpdateProfileRequest { UserId = "me", UpdateMask = new() { Paths = { "roles" } } }, admin).ResponseAsync,
            "ListAddresses" => () => client.ListAddressesAsync(new ListAddressesRequest { UserId = "?" }, admin).ResponseAsync,
            "AddAddress" => () => client.AddAddressAsync(new AddAddressRequest { UserId = "me", Address = new UserAddress { Address = new() { CountryCode = "Germany" } } }, admin).ResponseAsync,
            "UpdateAddress" => () => client.UpdateAddressAsync(new UpdateAddressRequest { UserId = "me", AddressId = "nope", Address = AccountTests.Address("Home", "Berlin", false) }, admin).ResponseAsync,
            "DeleteAddress" => () => client.DeleteAddressAsync(new DeleteAddressRequest { UserId = "me", AddressId = "nope" }, admin).ResponseAsync,
            "SetRoles" => () => client.SetRolesAsync(new SetRolesRequest { UserId = Guid.NewGuid().ToString() }, admin).ResponseAsync,
            _ => throw new ArgumentOutOfRangeException(nameof(rpc)),
        };

        await GrpcAssert.InvalidArgumentNamingAsync(call, expectedFields);
    }

    [Fact]
    public void Every_rpc_of_the_contract_has_a_bad_input_case()
    {
        var rpcs = UsersReflection.Descriptor.Services.Single().Methods.Select(method => method.Name)
            .Where(name => name != "GetJwks"); // takes no input
        var covered = Cases.Select(row => row.Data.Item1.Replace("WrongField", ""));

        Assert.Empty(rpcs.Except(covered));
    }

    [Fact]
    public async Task Control_characters_in_text_are_invalid_argument_naming_each_field()
    {
        var customer = UsersServiceHost.Bearer((await users.RegisterAsync()).Tokens.AccessToken);

        await GrpcAssert.InvalidArgumentNamingAsync(() => users.Client.RegisterAsync(new RegisterRequest
        {
            Email = $"{Guid.NewGuid():N}@shop.example", Password = UsersServiceHost.Password, DisplayName = "Ada\u0000",
        }).ResponseAsync, ["display_name"]);
        await GrpcAssert.InvalidArgumentNamingAsync(() => users.Client.AddAddressAsync(new AddAddressRequest
        {
            UserId = "me", Address = new UserAddress { Label = "Home\u0000", Address = AccountTests.Address("Home", "Berlin\u001b[31m", false).Address },
        }, customer).ResponseAsync, ["address.label", "address.address.city"]);
        await GrpcAssert.InvalidArgumentNamingAsync(() => users.Client.UpdateProfileAsync(new UpdateProfileRequest
        {
            UserId = "me", User = new UserProfile { DisplayName = "line\nbreak" }, UpdateMask = new() { Paths = { "display_name" } },
        }, customer).ResponseAsync, ["user.display_name"]);
    }
}
