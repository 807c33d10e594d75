using ECommerce.Contracts.Users.V1;
using ECommerce.Users.Accounts;
using Google.Rpc;
using Grpc.Core;

namespace ECommerce.Users.Tests;

public sealed class ThrottlingTests(UsersServiceHost users)
{
    [Fact]
    public async Task Repeated_wrong_passwords_lock_the_address_even_for_the_right_password()
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
}
