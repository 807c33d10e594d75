using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace ECommerce.Users.Accounts;

/// <summary>
/// ASP.NET Core Identity's hasher: PBKDF2 with HMAC-SHA512, a random salt per password, and the
/// iteration count OWASP recommends for it today (210,000). Hashes record their own parameters,
/// so raising the count later upgrades each password at its next sign-in.
/// </summary>
/// <remarks>
/// A hash costs ~150 ms of CPU. The async methods run at most one per core at a time, on threads
/// of their own: the thread pool stays free for the I/O every other call needs, and a flood of
/// sign-ins queues up instead of starving the whole service.
/// </remarks>
internal sealed class PasswordHashing
{
    private readonly SemaphoreSlim _cores = new(Environment.ProcessorCount, Environment.ProcessorCount);

    public const int Iterations = 210_000;

    private static readonly object Nobody = new();

    private readonly PasswordHasher<object> _hasher = new(Options.Create(new PasswordHasherOptions
    {
        CompatibilityMode = PasswordHasherCompatibilityMode.IdentityV3,
        IterationCount = Iterations,
    }));

    // Verifying against this when no account matches costs the same time as a real check, so
    // response times do not tell which email addresses have accounts.
    private readonly string _decoy;

    public PasswordHashing() => _decoy = Hash("decoy password never matches");

    public string Hash(string password) => _hasher.HashPassword(Nobody, password);

    public Task<string> HashAsync(string password, CancellationToken cancellationToken) =>
        OnOwnThreadAsync(() => Hash(password), cancellationToken);

    public Task<PasswordCheck> VerifyAsync(string? hash, string password, CancellationToken cancellationToken) =>
        OnOwnThreadAsync(() => Verify(hash, password), cancellationToken);

    private async Task<T> OnOwnThreadAsync<T>(Func<T> work, CancellationToken cancellationToken)
    {
        await _cores.WaitAsync(cancellationToken);
        try
        {
            return await Task.Factory.StartNew(work, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
        finally
        {
            _cores.Release();
        }
    }

    public PasswordCheck Verify(string? hash, string password)
    {
        var result = _hasher.VerifyHashedPassword(Nobody, hash ?? _decoy, password);
        return hash is null ? PasswordCheck.Wrong : result switch
        {
            PasswordVerificationResult.Success => PasswordCheck.Right,
            PasswordVerificationResult.SuccessRehashNeeded => PasswordCheck.RightButRehash,
            _ => PasswordCheck.Wrong,
        };
    }
}

internal enum PasswordCheck
{
    Wrong,
    Right,
    RightButRehash,
}
