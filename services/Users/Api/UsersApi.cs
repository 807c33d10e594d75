using ECommerce.Contracts.Users.V1;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using GrpcStatus = Grpc.Core.Status;

namespace ECommerce.Users.Api;

/// <summary>The ecommerce.users.v1.UsersService contract: validates, authorizes, and hands over to the account and token code.</summary>
internal sealed class UsersApi(
    AccountKeeper keeper,
    AccountStore accounts,
    AccessTokenIssuer accessTokens,
    RefreshTokens refreshTokens,
    SigningKeys signingKeys,
    IConfiguration configuration,
    ILogger<UsersApi> logger) : UsersService.UsersServiceBase
{
    private const int MaxDisplayNameLength = 100;
    private static readonly string[] UpdatableProfileFields = ["display_name", "email"];

    public override async Task<RegisterResponse> Register(RegisterRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations()
            .Check(EmailAddress.IsValid(request.Email), "email", "must be a valid email address")
            .Check(PasswordPolicy.Check(request.Password, request.Email) is null, "password", PasswordPolicy.Check(request.Password, request.Email) ?? "")
            .Check(!string.IsNullOrWhiteSpace(request.DisplayName), "display_name", "is required")
            .Check(request.DisplayName.Length <= MaxDisplayNameLength, "display_name", $"must be at most {MaxDisplayNameLength} characters");
        violations.ThrowIfAny();

        return await keeper.RegisterAsync(request.Email, request.DisplayName, request.Password, RolesForNewAccount(request.Email), context.CancellationToken) switch
        {
            Registration.Registered registered => new RegisterResponse
            {
                User = registered.Account.ToProfile(), Tokens = await TokenPairAsync(registered.Account, registered.Refresh, context.CancellationToken),
            },
            Registration.EmailTaken => throw new RpcException(new GrpcStatus(StatusCode.AlreadyExists, "An account with this email address already exists.")),
            _ => throw new InvalidOperationException("Unknown registration outcome."),
        };
    }

    public override async Task<LoginResponse> Login(LoginRequest request, ServerCallContext context)
    {
        new FieldViolations()
            .Check(!string.IsNullOrWhiteSpace(request.Email), "email", "is required")
            .Check(!string.IsNullOrEmpty(request.Password), "password", "is required")
            .Check(request.Password.Length <= PasswordPolicy.MaxLength, "password", $"must be at most {PasswordPolicy.MaxLength} characters")
            .ThrowIfAny();

        return await keeper.SignInAsync(request.Email, request.Password, ClientAddress.Of(context), context.CancellationToken) switch
        {
            SignIn.SignedIn signedIn => new LoginResponse
            {
                User = signedIn.Account.ToProfile(), Tokens = await TokenPairAsync(signedIn.Account, signedIn.Refresh, context.CancellationToken),
            },
            SignIn.Throttled throttled => throw GrpcErrors.WithDetails(StatusCode.ResourceExhausted,
                $"Too many failed sign-in attempts. Try again in {Math.Ceiling(throttled.RetryAfter.TotalSeconds)} seconds.",
                new RetryInfo { RetryDelay = Duration.FromTimeSpan(throttled.RetryAfter) }),
            // The same answer whether or not the account exists.
            SignIn.Refused => throw new RpcException(new GrpcStatus(StatusCode.Unauthenticated, "The email address or password is incorrect.")),
            _ => throw new InvalidOperationException("Unknown sign-in outcome."),
        };
    }

    public override async Task<RefreshResponse> Refresh(RefreshRequest request, ServerCallContext context)
    {
        new FieldViolations().Check(!string.IsNullOrWhiteSpace(request.RefreshToken), "refresh_token", "is required").ThrowIfAny();
        var outcome = await refreshTokens.RotateAsync(request.RefreshToken, context.CancellationToken);
        if (outcome is RefreshOutcome.ReuseDetected reuse)
        {
            logger.LogWarning("A spent refresh token of user {UserId} was presented again; its whole family is revoked", reuse.UserId);
        }
        if (outcome is not RefreshOutcome.Rotated rotated
            || await accounts.FindAsync(rotated.UserId, context.CancellationToken) is not { } account)
        {
            throw new RpcException(new GrpcStatus(StatusCode.Unauthenticated, "The refresh token is invalid, expired or revoked. Sign in again."));
        }
        return new RefreshResponse { Tokens = await TokenPairAsync(account, rotated.Next, context.CancellationToken) };
    }

    public override async Task<LogoutResponse> Logout(LogoutRequest request, ServerCallContext context)
    {
        new FieldViolations().Check(!string.IsNullOrWhiteSpace(request.RefreshToken), "refresh_token", "is required").ThrowIfAny();
        await refreshTokens.RevokeAsync(request.RefreshToken, context.CancellationToken);
        return new LogoutResponse();
    }

    public override async Task<GetJwksResponse> GetJwks(GetJwksRequest request, ServerCallContext context)
    {
        var response = new GetJwksResponse();
        foreach (var key in (await signingKeys.GetKeysAsync(context.CancellationToken)).Keys)
        {
            response.Keys.Add(new JsonWebKey { Kty = key.Kty, Crv = key.Crv, X = key.X, Y = key.Y, Kid = key.Kid, Use = key.Use, Alg = key.Alg });
        }
        return response;
    }

    [Authorize]
    public override async Task<GetProfileResponse> GetProfile(GetProfileRequest request, ServerCallContext context) =>
        new() { User = (await LoadAsync(await ResolveAccountAsync(context, request.UserId), context)).ToProfile() };

    [Authorize]
    public override async Task<UpdateProfileResponse> UpdateProfile(UpdateProfileRequest request, ServerCallContext context)
    {
        var userId = await ResolveAccountAsync(context, request.UserId);
        var paths = request.UpdateMask?.Paths.ToList() ?? [];
        var changes = request.User ?? new UserProfile();
        var violations = new FieldViolations().CheckUpdateMask(paths, UpdatableProfileFields);
        if (paths.Contains("email"))
        {
            violations.Check(EmailAddress.IsValid(changes.Email), "user.email", "must be a valid email address");
        }
        if (paths.Contains("display_name"))
        {
            violations.Check(!string.IsNullOrWhiteSpace(changes.DisplayName), "user.display_name", "is required")
                .Check(changes.DisplayName.Length <= MaxDisplayNameLength, "user.display_name", $"must be at most {MaxDisplayNameLength} characters");
        }
        violations.ThrowIfAny();

        return new UpdateProfileResponse { User = Changed(await keeper.UpdateProfileAsync(userId, changes, paths, context.CancellationToken), userId).ToProfile() };
    }

    [Authorize]
    public override async Task<ListAddressesResponse> ListAddresses(ListAddressesRequest request, ServerCallContext context)
    {
        var userId = await ResolveAccountAsync(context, request.UserId);
        return new ListAddressesResponse { Addresses = { await accounts.ListAddressesAsync(userId, context.CancellationToken) } };
    }

    [Authorize]
    public override async Task<AddAddressResponse> AddAddress(AddAddressRequest request, ServerCallContext context)
    {
        var userId = await ResolveAccountAsync(context, request.UserId);
        CheckAddress(request.Address);
        await LoadAsync(userId, context);
        var address = request.Address.Clone();
        address.AddressId = Guid.CreateVersion7().ToString();
        await accounts.SaveAddressAsync(userId, Guid.Parse(address.AddressId), address, isNew: true, context.CancellationToken);
        return new AddAddressResponse { Address = address };
    }

    [Authorize]
    public override async Task<UpdateAddressResponse> UpdateAddress(UpdateAddressRequest request, ServerCallContext context)
    {
        var userId = await ResolveAccountAsync(context, request.UserId);
        var addressId = ParseAddressId(request.AddressId);
        CheckAddress(request.Address);
        var address = request.Address.Clone();
        address.AddressId = addressId.ToString();
        if (!await accounts.SaveAddressAsync(userId, addressId, address, isNew: false, context.CancellationToken))
        {
            throw AddressNotFound();
        }
        return new UpdateAddressResponse { Address = address };
    }

    [Authorize]
    public override async Task<DeleteAddressResponse> DeleteAddress(DeleteAddressRequest request, ServerCallContext context)
    {
        var userId = await ResolveAccountAsync(context, request.UserId);
        if (!await accounts.DeleteAddressAsync(userId, ParseAddressId(request.AddressId), context.CancellationToken))
        {
            throw AddressNotFound();
        }
        return new DeleteAddressResponse();
    }

    [Authorize(Roles = AccessTokens.AdminRole)]
    public override async Task<SetRolesResponse> SetRoles(SetRolesRequest request, ServerCallContext context)
    {
        await RequireAdminNowAsync(context);
        if (!Guid.TryParse(request.UserId, out var userId))
        {
            throw new FieldViolations().Add("user_id", "must be a user id").ToException();
        }
        var roles = request.Roles.Select(RoleNames.FromRole).ToList();
        new FieldViolations()
            .Check(roles.Count > 0, "roles", "must name at least one role")
            .Check(roles.All(role => role is not null), "roles", "must not contain ROLE_UNSPECIFIED")
            .ThrowIfAny();

        return new SetRolesResponse { User = Changed(await keeper.SetRolesAsync(userId, roles.OfType<string>(), context.CancellationToken), userId).ToProfile() };
    }

    /// <summary>
    /// Everyone starts as a customer; addresses listed in <c>Users:AdminEmails</c> also become admins,
    /// which is how a new shop gets its first administrator.
    /// </summary>
    private string[] RolesForNewAccount(string email)
    {
        var adminEmails = configuration.GetSection("Users:AdminEmails").Get<string[]>() ?? [];
        return adminEmails.Any(admin => EmailAddress.Normalize(admin) == EmailAddress.Normalize(email))
            ? [AccessTokens.CustomerRole, AccessTokens.AdminRole]
            : [AccessTokens.CustomerRole];
    }

    private async Task<TokenPair> TokenPairAsync(UserAccount account, IssuedRefreshToken refresh, CancellationToken cancellationToken)
    {
        var (accessToken, expiresAt) = await accessTokens.IssueAsync(account, cancellationToken);
        return new TokenPair
        {
            AccessToken = accessToken,
            AccessTokenExpiresAt = Timestamp.FromDateTimeOffset(expiresAt),
            RefreshToken = refresh.Token,
            RefreshTokenExpiresAt = Timestamp.FromDateTimeOffset(refresh.ExpiresAt),
            TokenType = "Bearer",
        };
    }

    /// <summary>
    /// An admin's token says what its roles were when it was issued, up to 15 minutes ago; a demoted admin must not be
    /// able to use that token to make itself admin again. Admin powers are checked against the account as it is now.
    /// </summary>
    private async Task RequireAdminNowAsync(ServerCallContext context)
    {
        if (await accounts.FindAsync(Caller.Id(context), context.CancellationToken) is not { IsAdmin: true })
        {
            throw new RpcException(new GrpcStatus(StatusCode.PermissionDenied, "Your account does not have the admin role."));
        }
    }

    /// <summary><see cref="Caller.ResolveAccount"/>, with an admin reaching another account checked as admin now.</summary>
    private async Task<Guid> ResolveAccountAsync(ServerCallContext context, string userId)
    {
        var target = Caller.ResolveAccount(context, userId);
        if (target != Caller.Id(context))
        {
            await RequireAdminNowAsync(context);
        }
        return target;
    }

    private async Task<UserAccount> LoadAsync(Guid userId, ServerCallContext context) =>
        await accounts.FindAsync(userId, context.CancellationToken) ?? throw UserNotFound(userId);

    private static UserAccount Changed(ProfileChange outcome, Guid userId) => outcome switch
    {
        ProfileChange.Changed changed => changed.Account,
        ProfileChange.NotFound => throw UserNotFound(userId),
        ProfileChange.EmailTaken => throw new RpcException(new GrpcStatus(StatusCode.AlreadyExists, "Another account already uses this email address.")),
        _ => throw new InvalidOperationException("Unknown profile change outcome."),
    };

    private static RpcException UserNotFound(Guid userId) => new(new GrpcStatus(StatusCode.NotFound, $"User {userId} does not exist."));

    private static void CheckAddress(UserAddress? address)
    {
        var violations = new FieldViolations();
        if (address is null)
        {
            violations.Add("address", "is required");
        }
        else
        {
            violations.Check(address.Label.Length <= 50, "address.label", "must be at most 50 characters");
            AddressRules.Check(address.Address, "address.address", violations);
        }
        violations.ThrowIfAny();
    }

    private static Guid ParseAddressId(string addressId) =>
        Guid.TryParse(addressId, out var id) ? id : throw new FieldViolations().Add("address_id", "must be an address id").ToException();

    private static RpcException AddressNotFound() => new(new GrpcStatus(StatusCode.NotFound, "The user has no such address."));
}
