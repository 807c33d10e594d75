using System.Globalization;
using ECommerce.Contracts.Common.V1;
using Grpc.Core;
using StackExchange.Redis;

namespace ECommerce.Cart.Carts;

/// <summary>
/// The cart aggregate in Redis: every read and change is one script run (<see cref="CartScripts"/>),
/// one round trip, atomic. Answers are outcome records; the API maps them to statuses.
/// </summary>
internal sealed class CartKeeper(IConnectionMultiplexer redis, CartOptions options, TimeProvider clock)
{
    private IDatabase Db => redis.GetDatabase();

    public RedisKey KeyOf(CartOwner owner) => $"{options.KeyPrefix}cart:{{{owner.StorageId}}}";

    /// <summary>When a guest cart read or changed now would expire; null for a user's cart.</summary>
    public DateTimeOffset? ExpiryAfter(CartOwner owner, DateTimeOffset? lastUsed) =>
        owner.IsGuest ? (lastUsed ?? clock.GetUtcNow()) + options.GuestCartLifetime : null;

    public async Task<CartChange> CreateGuestAsync(CartOwner owner) => await RunAsync(CartScripts.Create, owner, [], creating: true);

    /// <summary>The cart, or <see cref="CartChange.NoCart"/> for a guest token whose cart expired or was merged.</summary>
    public async Task<CartChange> ReadAsync(CartOwner owner) => await RunAsync(CartScripts.Read, owner, []);

    public Task<CartChange> AddAsync(CartOwner owner, string sku, long quantity, Money price, long available) =>
        SetLineAsync(owner, sku, quantity, price, available, "add");

    public Task<CartChange> SetQuantityAsync(CartOwner owner, string sku, long quantity, Money price, long available) =>
        SetLineAsync(owner, sku, quantity, price, available, "set");

    public Task<CartChange> MoveToCartAsync(CartOwner owner, string sku, Money price, long available) =>
        SetLineAsync(owner, sku, 0, price, available, "move");

    public Task<CartChange> RemoveAsync(CartOwner owner, string sku) => RunAsync(CartScripts.RemoveLine, owner, [sku, "remove"]);

    public Task<CartChange> SaveForLaterAsync(CartOwner owner, string sku) =>
        RunAsync(CartScripts.RemoveLine, owner, [sku, "save", options.MaxQuantityPerLine, options.MaxLines]);

    public Task<CartChange> RemoveSavedAsync(CartOwner owner, string sku) => RunAsync(CartScripts.RemoveLine, owner, [sku, "unsave"]);

    public Task<CartChange> ClearAsync(CartOwner owner) => RunAsync(CartScripts.RemoveLine, owner, ["", "clear"]);

    /// <summary>Moves a guest cart into a user's (the merge rule is on <see cref="CartScripts.Merge"/>); the guest cart is gone afterwards.</summary>
    public Task<CartChange> MergeAsync(CartOwner user, CartOwner guest) =>
        RunAsync(CartScripts.Merge, user, [options.MaxQuantityPerLine, options.MaxLines], extraKey: KeyOf(guest));

    /// <summary>Takes an order's lines out of the user's cart; a second call for the same order changes nothing.</summary>
    public async Task<bool> RemovePurchasedAsync(CartOwner user, string orderId, IEnumerable<(string Sku, long Quantity)> lines)
    {
        RedisValue[] arguments = [orderId, .. lines.SelectMany(line => new RedisValue[] { line.Sku, line.Quantity })];
        return await RunAsync(CartScripts.RemovePurchased, user, arguments, extraKey: $"{KeyOf(user)}:orders") is CartChange.Changed;
    }

    private Task<CartChange> SetLineAsync(CartOwner owner, string sku, long quantity, Money price, long available, string mode) =>
        RunAsync(CartScripts.SetLine, owner,
        [
            sku, quantity, options.MaxQuantityPerLine, options.MaxLines, price.CurrencyCode,
            $"{price.CurrencyCode} {price.Units.ToString(CultureInfo.InvariantCulture)} {price.Nanos.ToString(CultureInfo.InvariantCulture)}",
            available, mode,
        ]);

    private async Task<CartChange> RunAsync(string script, CartOwner owner, RedisValue[] arguments, RedisKey? extraKey = null, bool creating = false)
    {
        RedisValue[] common =
        [
            clock.GetUtcNow().ToUnixTimeMilliseconds(),
            owner.IsGuest ? (long)options.GuestCartLifetime.TotalMilliseconds : 0,
            owner.IsGuest && !creating ? "1" : "0",
        ];
        RedisKey[] keys = extraKey is { } extra ? [KeyOf(owner), extra] : [KeyOf(owner)];
        RedisResult[] result;
        try
        {
            result = (RedisResult[])(await Db.ScriptEvaluateAsync(script, keys, [.. common, .. arguments]))!;
        }
        catch (Exception e) when (e is RedisConnectionException or RedisTimeoutException)
        {
            // Redis is where carts are: without it the service cannot answer, and the caller may try again.
            throw new RpcException(new Status(StatusCode.Unavailable, "Carts are unreachable right now; try again shortly."), e.Message);
        }
        var detail = (string)result[1]!;
        return (string)result[0]! switch
        {
            "OK" => new CartChange.Changed(StoredCart.Parse((RedisResult[])result[2]!), detail),
            "NO_CART" or "NO_GUEST" => new CartChange.NoCart(),
            "NOT_IN_CART" => new CartChange.NotInCart(),
            "NOT_SAVED" => new CartChange.NotSaved(),
            "LINE_LIMIT" => new CartChange.LineLimit(long.Parse(detail, CultureInfo.InvariantCulture)),
            "CART_LIMIT" => new CartChange.CartLimit(),
            "SAVED_LIMIT" => new CartChange.SavedLimit(),
            "CURRENCY" => new CartChange.OtherCurrency(detail),
            "STOCK" => new CartChange.NotEnoughStock(long.Parse(detail, CultureInfo.InvariantCulture)),
            "ALREADY_APPLIED" => new CartChange.AlreadyApplied(),
            var status => throw new InvalidOperationException($"Unknown cart script status {status}."),
        };
    }
}

/// <summary>What a cart script did.</summary>
internal abstract record CartChange
{
    /// <summary>Done; the cart as it is now. <paramref name="Detail"/> is the script's note (a merge's counts).</summary>
    public sealed record Changed(StoredCart Cart, string Detail) : CartChange;

    /// <summary>The guest cart does not exist (never issued, expired or merged).</summary>
    public sealed record NoCart : CartChange;

    public sealed record NotInCart : CartChange;

    public sealed record NotSaved : CartChange;

    /// <summary>The line would pass the per-line limit; it holds <paramref name="Current"/>.</summary>
    public sealed record LineLimit(long Current) : CartChange;

    public sealed record CartLimit : CartChange;

    public sealed record SavedLimit : CartChange;

    public sealed record OtherCurrency(string CartCurrency) : CartChange;

    /// <summary>The line would hold more than is available; it holds <paramref name="Current"/>.</summary>
    public sealed record NotEnoughStock(long Current) : CartChange;

    public sealed record AlreadyApplied : CartChange;
}
