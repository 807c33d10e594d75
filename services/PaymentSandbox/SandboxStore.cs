using System.Security.Cryptography;

namespace ECommerce.PaymentSandbox;

internal sealed record PaymentMethod(string Id, string Brand, string Last4, CardBehaviour Behaviour);

internal sealed record Refund(string Id, long Amount, DateTimeOffset Created);

internal sealed class Authorization
{
    public required string Id { get; init; }
    public required string IdempotencyKey { get; init; }
    public required string Reference { get; init; }
    public required long Amount { get; init; }
    public required string Currency { get; init; }
    public required PaymentMethod PaymentMethod { get; init; }
    public required DateTimeOffset Created { get; init; }
    public required string Status { get; set; }
    public string? DeclineCode { get; init; }
    public long AmountCaptured { get; set; }
    public long AmountRefunded { get; set; }
    public List<Refund> Refunds { get; } = [];

    public object ToJson() => new
    {
        id = Id,
        @object = "authorization",
        status = Status,
        amount = Amount,
        currency = Currency,
        amount_captured = AmountCaptured,
        amount_refunded = AmountRefunded,
        decline_code = DeclineCode,
        reference = Reference,
        idempotency_key = IdempotencyKey,
        created = Created.ToUnixTimeSeconds(),
        payment_method = new { id = PaymentMethod.Id, brand = PaymentMethod.Brand, last4 = PaymentMethod.Last4 },
        refunds = Refunds.Select(refund => new { id = refund.Id, amount = refund.Amount, created = refund.Created.ToUnixTimeSeconds() }),
    };
}

internal sealed record SandboxError(int Status, string Code, string Message);

/// <summary>
/// The provider's records, in memory (a sandbox forgets at restart). One lock guards everything: every
/// operation is microseconds, and it makes "same idempotency key, same result" trivially true under concurrency.
/// </summary>
internal sealed class SandboxStore(TimeProvider clock)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, PaymentMethod> _methods = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Authorization> _authorizations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Fingerprint, Authorization Authorization)> _keys = new(StringComparer.Ordinal);

    /// <summary>Keeps the brand, the last four digits and the test behaviour; the number and CVC are dropped here.</summary>
    public PaymentMethod Tokenise(string number)
    {
        var method = new PaymentMethod(NewId("pm"), TestCards.Brand(number), number[^4..], TestCards.BehaviourOf(number));
        lock (_gate)
        {
            _methods[method.Id] = method;
        }
        return method;
    }

    /// <returns>The authorization and whether this call created it (false: a replay of the same key).</returns>
    public (Authorization? Authorization, bool Created, SandboxError? Error) Authorize(string idempotencyKey, string paymentMethodId, long amount, string currency, string reference)
    {
        var fingerprint = $"{paymentMethodId}|{amount}|{currency}|{reference}";
        lock (_gate)
        {
            if (_keys.TryGetValue(Scoped("authorize", idempotencyKey), out var earlier))
            {
                return earlier.Fingerprint == fingerprint
                    ? (earlier.Authorization, false, null)
                    : (null, false, KeyReused(idempotencyKey));
            }
            if (!_methods.TryGetValue(paymentMethodId, out var method))
            {
                return (null, false, new SandboxError(404, "no_such_payment_method", $"No payment method {paymentMethodId}."));
            }
            var declineCode = TestCards.DeclineCode(method.Behaviour);
            var authorization = new Authorization
            {
                Id = NewId("auth"),
                IdempotencyKey = idempotencyKey,
                Reference = reference,
                Amount = amount,
                Currency = currency,
                PaymentMethod = method,
                Created = clock.GetUtcNow(),
                Status = method.Behaviour switch
                {
                    CardBehaviour.ProcessingError => "failed",
                    _ when declineCode is not null => "declined",
                    _ => "authorized",
                },
                DeclineCode = declineCode,
            };
            _authorizations[authorization.Id] = authorization;
            _keys[Scoped("authorize", idempotencyKey)] = (fingerprint, authorization);
            return (authorization, true, null);
        }
    }

    public Authorization? Find(string id)
    {
        lock (_gate)
        {
            return _authorizations.GetValueOrDefault(id);
        }
    }

    public Authorization? FindByKey(string idempotencyKey)
    {
        lock (_gate)
        {
            return _keys.TryGetValue(Scoped("authorize", idempotencyKey), out var found) ? found.Authorization : null;
        }
    }

    public IReadOnlyList<Authorization> List(string? reference)
    {
        lock (_gate)
        {
            return _authorizations.Values.Where(authorization => reference is null || authorization.Reference == reference)
                .OrderBy(authorization => authorization.Created).ToList();
        }
    }

    public (Authorization? Authorization, SandboxError? Error) Capture(string id, long? amount, string? idempotencyKey) =>
        Change(id, "capture", idempotencyKey, $"{amount}", authorization =>
        {
            if (authorization.Status != "authorized")
            {
                return InvalidState(authorization, "captured");
            }
            var captured = amount ?? authorization.Amount;
            if (captured <= 0 || captured > authorization.Amount)
            {
                return new SandboxError(400, "amount_too_large", $"Capture {captured} of an authorization of {authorization.Amount}.");
            }
            authorization.AmountCaptured = captured;
            authorization.Status = "captured";
            return null;
        });

    public (Authorization? Authorization, SandboxError? Error) Void(string id, string? idempotencyKey) =>
        Change(id, "void", idempotencyKey, "", authorization =>
        {
            if (authorization.Status != "authorized")
            {
                return InvalidState(authorization, "voided");
            }
            authorization.Status = "voided";
            return null;
        });

    public (Authorization? Authorization, SandboxError? Error) Refund(string id, long amount, string idempotencyKey) =>
        Change(id, "refund", idempotencyKey, $"{amount}", authorization =>
        {
            if (authorization.Status is not ("captured" or "partially_refunded"))
            {
                return InvalidState(authorization, "refunded");
            }
            if (amount <= 0 || amount > authorization.AmountCaptured - authorization.AmountRefunded)
            {
                return new SandboxError(400, "amount_too_large",
                    $"Refund {amount}; {authorization.AmountCaptured - authorization.AmountRefunded} of {authorization.AmountCaptured} captured is left to refund.");
            }
            authorization.AmountRefunded += amount;
            authorization.Refunds.Add(new Refund(NewId("re"), amount, clock.GetUtcNow()));
            authorization.Status = authorization.AmountRefunded == authorization.AmountCaptured ? "refunded" : "partially_refunded";
            return null;
        });

    /// <summary>An operation on an authorization; with a key, a replay returns the authorization as it is without doing it again.</summary>
    private (Authorization?, SandboxError?) Change(string id, string operation, string? idempotencyKey, string parameters, Func<Authorization, SandboxError?> apply)
    {
        lock (_gate)
        {
            if (!_authorizations.TryGetValue(id, out var authorization))
            {
                return (null, new SandboxError(404, "no_such_authorization", $"No authorization {id}."));
            }
            var fingerprint = $"{id}|{parameters}";
            if (idempotencyKey is not null && _keys.TryGetValue(Scoped(operation, idempotencyKey), out var earlier))
            {
                return earlier.Fingerprint == fingerprint ? (authorization, null) : (null, KeyReused(idempotencyKey));
            }
            if (apply(authorization) is { } error)
            {
                return (null, error);
            }
            if (idempotencyKey is not null)
            {
                _keys[Scoped(operation, idempotencyKey)] = (fingerprint, authorization);
            }
            return (authorization, null);
        }
    }

    private static string Scoped(string operation, string key) => $"{operation}:{key}";

    private static SandboxError KeyReused(string key) =>
        new(409, "idempotency_key_reused", $"Idempotency key {key} was used with other parameters.");

    private static SandboxError InvalidState(Authorization authorization, string wanted) =>
        new(409, "invalid_state", $"Authorization {authorization.Id} is {authorization.Status}; it cannot be {wanted}.");

    private static string NewId(string prefix) => $"{prefix}_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12))}";
}
