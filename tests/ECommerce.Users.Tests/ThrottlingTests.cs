using ECommerce.Contracts.Users.V1;
using ECommerce.Testing;
using ECommerce.Users.Accounts;
using Google.Rpc;
using Grpc.Core;

namespace ECommerce.Users.Tests;

public sealed class ThrottlingTests(UsersServiceHost users)
{
    [Fact]
    public async Task Repeated_wrong_passwords_lock_the_address_for_that_client_even_for_the_right_password()
    {
        var registered = await users.RegisterAsync();
        for (var attempt = 0; attempt < LoginThrottle.FreeAttempts; attempt++)
        {
            var wrong = await Assert.ThrowsAsync<RpcException>(() =>
                users.Client.LoginAsync(new LoginRequest { Email = registered.User.Email, Password = $"guess number {attempt}" }).ResponseAsync);
            Assert.Equal(StatusCode.Unauthenticated, wrong.StatusCode);
        }

        var locked = await Assert.ThrowsAsync<RpcException>(() =>
            users.Client.LoginAsync(new LoginRequest { Email = registered.User.Email, Password = UsersServiceHost.Password }).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, locked.StatusCode);
        Assert.Contains("Too many failed sign-in attempts", locked.Status.Detail);
        var retry = locked.GetRpcStatus()?.GetDetail<RetryInfo>();
        Assert.NotNull(retry);
        Assert.InRange(retry.RetryDelay.ToTimeSpan(), TimeSpan.FromSeconds(1), LoginThrottle.FirstLockout);
    }

    [Fact]
    public async Task Unknown_addresses_lock_the_same_way_so_lockouts_reveal_no_accounts()
    {
        var nobody = $"{Guid.NewGuid():N}@shop.example";
        for (var attempt = 0; attempt < LoginThrottle.FreeAttempts; attempt++)
        {
            await Assert.ThrowsAsync<RpcException>(() => users.Client.LoginAsync(new LoginRequest { Email = nobody, Password = $"guess number {attempt}" }).ResponseAsync);
        }

        var locked = await Assert.ThrowsAsync<RpcException>(() => users.Client.LoginAsync(new LoginRequest { Email = nobody, Password = "another guess" }).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, locked.StatusCode);
    }

    [Fact]
    public async Task A_successful_sign_in_clears_earlier_failures()
    {
        var registered = await users.RegisterAsync();
        for (var attempt = 0; attempt < LoginThrottle.FreeAttempts - 1; attempt++)
        {
            await Assert.ThrowsAsync<RpcException>(() => users.Client.LoginAsync(new LoginRequest { Email = registered.User.Email, Password = "wrong guess here" }).ResponseAsync);
        }
        await users.Client.LoginAsync(new LoginRequest { Email = registered.User.Email, Password = UsersServiceHost.Password });

        var wrongAgain = await Assert.ThrowsAsync<RpcException>(() => users.Client.LoginAsync(new LoginRequest { Email = registered.User.Email, Password = "wrong guess here" }).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, wrongAgain.StatusCode);
    }

    [Fact]
    public async Task Concurrent_wrong_passwords_all_count_and_the_lockout_of_the_highest_count_stays()
    {
        const int guesses = 12;
        var nobody = $"{Guid.NewGuid():N}@shop.example";
        var before = DateTime.UtcNow;

        // Those that pass the lockout check before the fifth failure is recorded are told "wrong password", and each must count.
        var outcomes = await Task.WhenAll(Enumerable.Range(0, guesses).Select(attempt => Assert.ThrowsAsync<RpcException>(() =>
            users.Client.LoginAsync(new LoginRequest { Email = nobody, Password = $"guess number {attempt}" }).ResponseAsync)));
        var wrongPasswords = outcomes.Count(outcome => outcome.StatusCode == StatusCode.Unauthenticated);
        Assert.All(outcomes, outcome => Assert.Contains(outcome.StatusCode, new[] { StatusCode.Unauthenticated, StatusCode.ResourceExhausted }));

        var failures = await Sql.ScalarAsync<int>(users.DatabaseConnectionString, "SELECT failures FROM login_failures WHERE email_normalized = $1", nobody);
        var lockedUntil = await Sql.ScalarAsync<DateTime>(users.DatabaseConnectionString, "SELECT locked_until FROM login_failures WHERE email_normalized = $1", nobody);
        Assert.Equal(wrongPasswords, failures);
        Assert.InRange(failures, LoginThrottle.FreeAttempts, guesses);
        var lockout = TimeSpan.FromTicks(Math.Min(LoginThrottle.FirstLockout.Ticks << (failures - LoginThrottle.FreeAttempts), LoginThrottle.LongestLockout.Ticks));
        Assert.True(lockedUntil >= before + lockout,
            $"after {failures} failures the address is locked until {lockedUntil:O}, less than {lockout} after the first guess ({before:O})");
    }

    [Fact]
    public async Task An_attackers_guesses_from_one_client_do_not_stop_the_owner_signing_in_from_another_while_the_attacker_stays_throttled()
    {
        var registered = await users.RegisterAsync();
        var attacker = From("203.0.113.9");
        for (var attempt = 0; attempt <= LoginThrottle.FreeAttempts; attempt++)
        {
            await Assert.ThrowsAsync<RpcException>(() =>
                users.Client.LoginAsync(new LoginRequest { Email = registered.User.Email, Password = $"guess number {attempt}" }, attacker).ResponseAsync);
        }

        var owner = await users.Client.LoginAsync(new LoginRequest { Email = registered.User.Email, Password = UsersServiceHost.Password }, From("198.51.100.7"));
        var attackerAgain = await Assert.ThrowsAsync<RpcException>(() =>
            users.Client.LoginAsync(new LoginRequest { Email = registered.User.Email, Password = UsersServiceHost.Password }, attacker).ResponseAsync);

        Assert.Equal(registered.User.UserId, owner.User.UserId);
        Assert.Equal(StatusCode.ResourceExhausted, attackerAgain.StatusCode);
        Assert.NotNull(attackerAgain.GetRpcStatus()?.GetDetail<RetryInfo>());
    }

    [Fact]
    public async Task Guessing_spread_over_many_clients_stops_new_clients_but_not_one_that_signed_in_before()
    {
        var registered = await users.RegisterAsync();
        var ownersLaptop = From("198.51.100.8");
        await users.Client.LoginAsync(new LoginRequest { Email = registered.User.Email, Password = UsersServiceHost.Password }, ownersLaptop);
        await Task.WhenAll(Enumerable.Range(0, LoginThrottle.AddressWideFreeAttempts).Select(client => Assert.ThrowsAsync<RpcException>(() =>
            users.Client.LoginAsync(new LoginRequest { Email = registered.User.Email, Password = "wrong guess here" }, From($"203.0.113.{client}")).ResponseAsync)));

        var newClient = await Assert.ThrowsAsync<RpcException>(() =>
            users.Client.LoginAsync(new LoginRequest { Email = registered.User.Email, Password = UsersServiceHost.Password }, From("192.0.2.1")).ResponseAsync);
        var owner = await users.Client.LoginAsync(new LoginRequest { Email = registered.User.Email, Password = UsersServiceHost.Password }, ownersLaptop);

        Assert.Equal(StatusCode.ResourceExhausted, newClient.StatusCode);
        Assert.Equal(registered.User.UserId, owner.User.UserId);
    }

    [Fact]
    public async Task Unknown_addresses_throttle_many_clients_the_same_way_so_it_reveals_no_accounts()
    {
        var nobody = $"{Guid.NewGuid():N}@shop.example";
        await Task.WhenAll(Enumerable.Range(0, LoginThrottle.AddressWideFreeAttempts).Select(client => Assert.ThrowsAsync<RpcException>(() =>
            users.Client.LoginAsync(new LoginRequest { Email = nobody, Password = "wrong guess here" }, From($"203.0.113.{client}")).ResponseAsync)));

        var newClient = await Assert.ThrowsAsync<RpcException>(() =>
            users.Client.LoginAsync(new LoginRequest { Email = nobody, Password = "another guess" }, From("192.0.2.1")).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, newClient.StatusCode);
    }

    /// <summary>A call as the REST edge makes it for a caller at <paramref name="address"/>.</summary>
    private static Metadata From(string address) => new() { { ECommerce.Grpc.ClientAddress.MetadataKey, address } };
}
