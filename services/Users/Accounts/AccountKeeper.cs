using ECommerce.Contracts.Events.V1;
using ECommerce.Contracts.Users.V1;
using ECommerce.EventBus.Outbox;
using Google.Protobuf.WellKnownTypes;

namespace ECommerce.Users.Accounts;

/// <summary>
/// Accounts: registration, sign-in, profile and role changes. Each change is one transaction with
/// its events (UserRegistered, UserProfileUpdated) and, for a sign-in, its new refresh token family.
/// </summary>
internal sealed class AccountKeeper(
    NpgsqlDataSource dataSource,
    AccountStore accounts,
    PasswordHashing passwords,
    LoginThrottle throttle,
    RefreshTokens refreshTokens,
    TimeProvider clock)
{
    /// <param name="email">A valid address; <paramref name="password"/> meets <see cref="PasswordPolicy"/>.</param>
    public async Task<Registration> RegisterAsync(string email, string displayName, string password, string[] roles, CancellationToken cancellationToken)
    {
        var passwordHash = await passwords.HashAsync(password, cancellationToken);
        var now = clock.GetUtcNow();
        var account = new UserAccount(Guid.CreateVersion7(), email.Trim(), displayName.Trim(), roles, passwordHash, now, now);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (!await accounts.TryCreateAsync(connection, transaction, account, cancellationToken))
        {
            return new Registration.EmailTaken();
        }
        await Outbox.AddAsync(connection, transaction, account.UserId.ToString(), new UserRegistered
        {
            UserId = account.UserId.ToString(),
            Email = account.Email,
            DisplayName = account.DisplayName,
            RegisteredAt = Timestamp.FromDateTimeOffset(now),
        }, cancellationToken);
        var refresh = await refreshTokens.StartFamilyAsync(connection, transaction, account.UserId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new Registration.Registered(account, refresh);
    }

    /// <summary>
    /// Signs in with a password, throttled per address and client (<see cref="LoginThrottle"/>); a hash made with
    /// older parameters is replaced on the way.
    /// </summary>
    /// <param name="client">The caller's address, which the throttle tells apart.</param>
    public async Task<SignIn> SignInAsync(string email, string password, string client, CancellationToken cancellationToken)
    {
        var normalized = EmailAddress.Normalize(email);
        if (await throttle.RetryAfterAsync(normalized, client, cancellationToken) is { } wait)
        {
            return new SignIn.Throttled(wait);
        }
        var account = await accounts.FindByEmailAsync(normalized, cancellationToken);
        var check = await passwords.VerifyAsync(account?.PasswordHash, password, cancellationToken);
        if (account is null || check == PasswordCheck.Wrong)
        {
            await throttle.RecordFailureAsync(normalized, client, cancellationToken);
            return new SignIn.Refused();
        }
        await throttle.RecordSuccessAsync(normalized, client, cancellationToken);
        var upgradedHash = check == PasswordCheck.RightButRehash ? await passwords.HashAsync(password, cancellationToken) : null;

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (upgradedHash is not null)
        {
            account = await accounts.UpdateAsync(connection, transaction, account with { PasswordHash = upgradedHash }, cancellationToken) ?? account;
        }
        var refresh = await refreshTokens.StartFamilyAsync(connection, transaction, account.UserId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new SignIn.SignedIn(account, refresh);
    }

    /// <param name="changes">The checked values of the fields named in <paramref name="paths"/> ("email", "display_name").</param>
    public async Task<ProfileChange> UpdateProfileAsync(Guid userId, UserProfile changes, IReadOnlyCollection<string> paths, CancellationToken cancellationToken)
    {
        if (await accounts.FindAsync(userId, cancellationToken) is not { } current)
        {
            return new ProfileChange.NotFound();
        }
        var updated = current with
        {
            Email = paths.Contains("email") ? changes.Email.Trim() : current.Email,
            DisplayName = paths.Contains("display_name") ? changes.DisplayName.Trim() : current.DisplayName,
            UpdatedAt = clock.GetUtcNow(),
        };
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await accounts.UpdateAsync(connection, transaction, updated, cancellationToken) is not { } saved)
        {
            return new ProfileChange.EmailTaken();
        }
        var changed = new UserProfileUpdated { UserId = saved.UserId.ToString(), Email = saved.Email, DisplayName = saved.DisplayName };
        changed.ChangedFields.Add(paths.Distinct());
        await Outbox.AddAsync(connection, transaction, saved.UserId.ToString(), changed, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new ProfileChange.Changed(saved);
    }

    /// <param name="roles">At least one, each a known role.</param>
    public async Task<ProfileChange> SetRolesAsync(Guid userId, IEnumerable<string> roles, CancellationToken cancellationToken)
    {
        if (await accounts.FindAsync(userId, cancellationToken) is not { } current)
        {
            return new ProfileChange.NotFound();
        }
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var saved = await accounts.UpdateAsync(connection, transaction,
            current with { Roles = roles.Distinct().ToArray(), UpdatedAt = clock.GetUtcNow() }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new ProfileChange.Changed(saved!);
    }
}

internal abstract record Registration
{
    public sealed record Registered(UserAccount Account, IssuedRefreshToken Refresh) : Registration;
    public sealed record EmailTaken : Registration;
}

internal abstract record SignIn
{
    public sealed record SignedIn(UserAccount Account, IssuedRefreshToken Refresh) : SignIn;
    /// <summary>Wrong address or password: the same outcome whether or not the account exists.</summary>
    public sealed record Refused : SignIn;
    public sealed record Throttled(TimeSpan RetryAfter) : SignIn;
}

internal abstract record ProfileChange
{
    public sealed record Changed(UserAccount Account) : ProfileChange;
    public sealed record NotFound : ProfileChange;
    public sealed record EmailTaken : ProfileChange;
}
