using ECommerce.Contracts.Cart.V1;
using ECommerce.Contracts.Shipping.V1;
using ECommerce.Contracts.Users.V1;

namespace ECommerce.Orders.Checkout;

/// <summary>
/// PlaceOrder before and around the saga: answers a known key from its order, validates the cart through Cart
/// (prices are the catalog's, never the client's), resolves the address, checks the quote with Shipping, prices the
/// order, records it under the key, and waits for its saga to end. A new key first waits for its turn
/// (<see cref="CheckoutAdmission"/>).
/// </summary>
/// <remarks>Cart and Users are called with the customer's own access token: it is their cart and their address book.</remarks>
internal sealed class CheckoutDesk(
    OrderKeeper orders,
    CheckoutSaga saga,
    CheckoutAdmission admission,
    CartService.CartServiceClient carts,
    UsersService.UsersServiceClient users,
    IServiceProvider services,
    OrdersOptions options,
    TimeProvider clock)
{
    public async Task<Placement> PlaceAsync(Guid userId, string actor, string bearer, PlaceOrderRequest request, CancellationToken cancellationToken)
    {
        var fingerprint = OrderRules.Fingerprint(request);
        var known = await orders.FindKeyAsync(userId, request.IdempotencyKey, fingerprint, cancellationToken);
        if (known is not null)
        {
            return await AnswerAsync(known, cancellationToken);
        }
        using var turn = await admission.EnterAsync(cancellationToken);
        if (turn is null)
        {
            return new Placement.Busy(options.MaxConcurrentCheckouts, admission.ComeBackIn());
        }
        var caller = new Metadata { { "authorization", bearer } };
        var deadline = DateTime.UtcNow + options.CallTimeout;

        // The address book, the cart and the quote are asked for at once (they do not depend on each other), then judged in
        // this order, so the first thing wrong is the one reported, as if they had been asked for one after the other.
        var book = request.DestinationCase == PlaceOrderRequest.DestinationOneofCase.SavedAddressId
            ? users.ListAddressesAsync(new ListAddressesRequest { UserId = userId.ToString() }, caller, deadline, cancellationToken).ResponseAsync
            : null;
        var cart = carts.ValidateCartAsync(new ValidateCartRequest { CartId = request.CartId is "" ? "me" : request.CartId }, caller, deadline,
            cancellationToken).ResponseAsync;
        var quoted = options.ShippingEnabled ? QuoteAsync(request.QuoteId, deadline, cancellationToken) : Task.FromResult<Quote?>(null);
        await Task.WhenAll(new Task?[] { book, cart, quoted }.OfType<Task>()).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

        Address address;
        if (book is not null)
        {
            var saved = (await book).Addresses.FirstOrDefault(a => string.Equals(a.AddressId, request.SavedAddressId, StringComparison.OrdinalIgnoreCase));
            if (saved is null)
            {
                return new Placement.Refused("saved_address_id", $"You have no saved address {request.SavedAddressId}.");
            }
            address = saved.Address;
        }
        else
        {
            address = request.ShippingAddress;
        }

        var validated = await cart;
        if (validated.Cart.Lines.Count == 0)
        {
            return new Placement.Refused("cart_id", "The cart is empty: there is nothing to check out.");
        }
        var blocking = validated.Problems.Where(p => OrderRules.Blocks(p, validated.Cart)).ToList();
        if (blocking.Count > 0)
        {
            return new Placement.CartProblems(blocking);
        }
        if (validated.Cart.Lines.Any(line => line.UnitPrice is null) || validated.Cart.Lines.Select(line => line.UnitPrice.CurrencyCode).Distinct().Count() != 1)
        {
            return new Placement.Refused("cart_id", "The cart's lines are not all priced by the catalog in one currency.");
        }

        Money? shipping = null;
        if (options.ShippingEnabled)
        {
            if (await quoted is not { } quote)
            {
                return new Placement.Refused("quote_id", $"Shipping knows no quote {request.QuoteId}.");
            }
            var refusal = quote.UserId != userId.ToString() ? "is another customer's quote"
                : quote.ExpiresAt.ToDateTimeOffset() <= clock.GetUtcNow() ? "has expired: ask for new quotes"
                : quote.Price.CurrencyCode != validated.Cart.Lines[0].UnitPrice.CurrencyCode ? $"is in {quote.Price.CurrencyCode}, the cart in {validated.Cart.Lines[0].UnitPrice.CurrencyCode}"
                : null;
            if (refusal is not null)
            {
                return new Placement.Refused("quote_id", $"Quote {request.QuoteId} {refusal}.");
            }
            shipping = quote.Price;
        }

        var priced = OrderRules.Price(validated.Cart, shipping);
        var recorded = await orders.RecordAsync(new NewOrder(userId, request.IdempotencyKey, fingerprint, actor, priced, address,
            options.ShippingEnabled ? request.QuoteId : null, request.PaymentMethodToken), cancellationToken);
        return await AnswerAsync(recorded, cancellationToken);
    }

    /// <summary>Shipping's quote, or null when it knows no such quote.</summary>
    private async Task<Quote?> QuoteAsync(string quoteId, DateTime deadline, CancellationToken cancellationToken)
    {
        try
        {
            return (await services.GetRequiredService<ShippingService.ShippingServiceClient>()
                .GetQuoteAsync(new GetQuoteRequest { QuoteId = quoteId }, deadline: deadline, cancellationToken: cancellationToken)).Quote;
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.NotFound or StatusCode.InvalidArgument)
        {
            return null;
        }
    }

    /// <summary>The order a key made, once its checkout has ended (the same answer to every request with the key).</summary>
    private async Task<Placement> AnswerAsync(Recording recording, CancellationToken cancellationToken)
    {
        switch (recording)
        {
            case Recording.KeyReused:
                return new Placement.KeyReused();
            case Recording.Recorded { OrderId: var id }:
                return new Placement.Placed((await saga.SettleAsync(id, cancellationToken))!);
            case Recording.Existing { OrderId: var id }:
                return new Placement.Placed((await saga.SettleAsync(id, cancellationToken))!);
            default:
                throw new InvalidOperationException("Unknown recording.");
        }
    }
}

internal abstract record Placement
{
    public sealed record Placed(OrderRow Order) : Placement;
    public sealed record KeyReused : Placement;
    public sealed record Refused(string Field, string Reason) : Placement;
    public sealed record CartProblems(IReadOnlyList<LineProblem> Problems) : Placement;
    /// <summary>No turn came in time: nothing was recorded, the same request may be sent again.</summary>
    public sealed record Busy(int Running, TimeSpan ComeBackIn) : Placement;
}
