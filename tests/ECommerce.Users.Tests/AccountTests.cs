using Confluent.Kafka;
using ECommerce.Contracts.Common.V1;
using ECommerce.Contracts.Events.V1;
using ECommerce.Contracts.Users.V1;
using ECommerce.EventBus;
using ECommerce.LocalInfrastructure.Kafka;
using ECommerce.Testing;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace ECommerce.Users.Tests;

public sealed class AccountTests(UsersServiceHost users)
{
    [Fact]
    public async Task Registering_signs_the_user_in_as_a_customer_and_announces_UserRegistered()
    {
        var email = $"{Guid.NewGuid():N}@shop.example";

        var registered = await users.RegisterAsync(email);

        Assert.Equal(email, registered.User.Email);
        Assert.Equal([Role.Customer], registered.User.Roles);
        Assert.Equal("Bearer", registered.Tokens.TokenType);
        Assert.NotEmpty(registered.Tokens.AccessToken);
        Assert.NotEmpty(registered.Tokens.RefreshToken);
        var announced = ReadUserEvent(registered.User.UserId, "ecommerce.events.v1.UserRegistered");
        Assert.Equal(email, UserRegistered.Parser.ParseFrom(announced.Message.Value).Email);
        Assert.Equal("users", EventHeaders.Get(announced.Message.Headers, EventHeaders.Source));
    }

    [Fact]
    public async Task An_email_address_can_have_only_one_account_whatever_its_case()
    {
        var email = $"{Guid.NewGuid():N}@shop.example";
        await users.RegisterAsync(email);

        var error = await Assert.ThrowsAsync<RpcException>(() => users.RegisterAsync(email.ToUpperInvariant()));

        Assert.Equal(StatusCode.AlreadyExists, error.StatusCode);
    }

    [Fact]
    public async Task The_stored_password_is_a_slow_salted_hash_never_the_password()
    {
        var registered = await users.RegisterAsync();

        var stored = await users.QueryAsync<string>("SELECT password_hash FROM users WHERE user_id = $1", Guid.Parse(registered.User.UserId));

        Assert.DoesNotContain(UsersServiceHost.Password, stored);
        Assert.Equal(0x01, Convert.FromBase64String(stored)[0]);
    }

    [Fact]
    public async Task Login_with_the_right_password_returns_fresh_tokens()
    {
        var email = $"{Guid.NewGuid():N}@shop.example";
        var registered = await users.RegisterAsync(email);

        var login = await users.Client.LoginAsync(new LoginRequest { Email = $"  {email.ToUpperInvariant()} ", Password = UsersServiceHost.Password });

        Assert.Equal(registered.User.UserId, login.User.UserId);
        Assert.NotEqual(registered.Tokens.RefreshToken, login.Tokens.RefreshToken);
    }

    [Fact]
    public async Task A_wrong_password_and_an_unknown_account_get_the_same_answer()
    {
        var registered = await users.RegisterAsync();

        var wrongPassword = await Assert.ThrowsAsync<RpcException>(() =>
            users.Client.LoginAsync(new LoginRequest { Email = registered.User.Email, Password = "not the password at all" }).ResponseAsync);
        var unknownAccount = await Assert.ThrowsAsync<RpcException>(() =>
            users.Client.LoginAsync(new LoginRequest { Email = $"{Guid.NewGuid():N}@shop.example", Password = "not the password at all" }).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, wrongPassword.StatusCode);
        Assert.Equal(wrongPassword.StatusCode, unknownAccount.StatusCode);
        Assert.Equal(wrongPassword.Status.Detail, unknownAccount.Status.Detail);
    }

    [Fact]
    public async Task Updating_the_profile_changes_it_and_announces_UserProfileUpdated()
    {
        var registered = await users.RegisterAsync();
        var auth = UsersServiceHost.Bearer(registered.Tokens.AccessToken);

        var updated = await users.Client.UpdateProfileAsync(new UpdateProfileRequest
        {
            UserId = "me",
            User = new UserProfile { DisplayName = "Countess of Lovelace", Email = "ignored@shop.example" },
            UpdateMask = new FieldMask { Paths = { "display_name" } },
        }, auth);
        var read = await users.Client.GetProfileAsync(new GetProfileRequest { UserId = registered.User.UserId }, auth);

        Assert.Equal("Countess of Lovelace", updated.User.DisplayName);
        Assert.Equal(registered.User.Email, read.User.Email);
        Assert.Equal("Countess of Lovelace", read.User.DisplayName);
        var announced = UserProfileUpdated.Parser.ParseFrom(ReadUserEvent(registered.User.UserId, "ecommerce.events.v1.UserProfileUpdated").Message.Value);
        Assert.Equal(["display_name"], announced.ChangedFields);
    }

    [Fact]
    public async Task Taking_another_accounts_email_address_is_refused()
    {
        var first = await users.RegisterAsync();
        var second = await users.RegisterAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => users.Client.UpdateProfileAsync(new UpdateProfileRequest
        {
            UserId = "me",
            User = new UserProfile { Email = first.User.Email },
            UpdateMask = new FieldMask { Paths = { "email" } },
        }, UsersServiceHost.Bearer(second.Tokens.AccessToken)).ResponseAsync);

        Assert.Equal(StatusCode.AlreadyExists, error.StatusCode);
    }

    [Fact]
    public async Task Addresses_are_added_listed_updated_and_deleted_with_one_default()
    {
        var registered = await users.RegisterAsync();
        var auth = UsersServiceHost.Bearer(registered.Tokens.AccessToken);
        var home = await users.Client.AddAddressAsync(new AddAddressRequest { UserId = "me", Address = Address("Home", "Berlin", isDefault: true) }, auth);
        var work = await users.Client.AddAddressAsync(new AddAddressRequest { UserId = "me", Address = Address("Work", "Hamburg", isDefault: true) }, auth);

        var afterAdding = await users.Client.ListAddressesAsync(new ListAddressesRequest { UserId = "me" }, auth);
        await users.Client.UpdateAddressAsync(new UpdateAddressRequest { UserId = "me", AddressId = home.Address.AddressId, Address = Address("Home", "Potsdam", isDefault: false) }, auth);
        await users.Client.DeleteAddressAsync(new DeleteAddressRequest { UserId = "me", AddressId = work.Address.AddressId }, auth);
        var afterChanging = await users.Client.ListAddressesAsync(new ListAddressesRequest { UserId = "me" }, auth);

        Assert.Equal(["Home", "Work"], afterAdding.Addresses.Select(a => a.Label));
        Assert.Equal([false, true], afterAdding.Addresses.Select(a => a.IsDefault));
        Assert.Equal("Potsdam", Assert.Single(afterChanging.Addresses).Address.City);
    }

    internal static UserAddress Address(string label, string city, bool isDefault) => new()
    {
        Label = label,
        IsDefault = isDefault,
        Address = new Address { RecipientName = "Ada Lovelace", Line1 = "1 Analytical Way", City = city, PostalCode = "10115", CountryCode = "DE" },
    };

    private ConsumeResult<string, byte[]> ReadUserEvent(string userId, string type)
    {
        using var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
        {
            BootstrapServers = users.KafkaBootstrapServers,
            GroupId = TestInfrastructure.UniqueName("reader"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
            SessionTimeoutMs = KafkaDevCluster.DevelopmentSessionTimeoutMs,
        }).Build();
        consumer.Subscribe(users.Topic);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { } record && record.Message.Key == userId
                && EventHeaders.Get(record.Message.Headers, EventHeaders.Type) == type)
            {
                consumer.Close();
                return record;
            }
        }
        throw new Xunit.Sdk.XunitException($"No {type} event for user {userId} arrived on '{users.Topic}' within 30 s.");
    }
}
