using ECommerce.Cart.Carts;
using ECommerce.Cart.Pricing;
using ECommerce.Contracts.Cart.V1;
using ECommerce.Contracts.Catalog.V1;
using ECommerce.Grpc;
using Google.Rpc;
using Grpc.Core;
using GrpcStatus = Grpc.Core.Status;
using State = ECommerce.Contracts.Catalog.V1.SkuLookup.Types.State;

namespace ECommerce.Cart.Api;

/// <summary>
/// The ecommerce.cart.v1.CartService contract: checks the request (<see cref="CartRules"/>) and who may
/// touch the cart (<see cref="CartAccess"/>), asks the catalog about the SKU being added, lets the
/// <see cref="CartKeeper"/> change the cart in one atomic step, and prices the result with one catalog call.
/// </summary>
internal sealed class CartApi(CartKeeper carts, CatalogLookup catalog, CartOptions options, TimeProvider clock) : CartService.CartServiceBase
{
    public override async Task<CreateGuestCartResponse> CreateGuestCart(CreateGuestCartRequest request, ServerCallContext context)
    {
        var token = GuestTokens.NewToken();
        var owner = CartOwner.Guest(GuestTokens.HashOf(token)!);
        var cart = await CartOfAsync(owner, await carts.CreateGuestAsync(owner), CatalogLookup.None, "", 0, context);
        return new CreateGuestCartResponse { GuestToken = token, Cart = cart };
    }

    public override async Task<GetCartResponse> GetCart(GetCartRequest request, ServerCallContext context)
    {
        var owner = Authorize(new FieldViolations().CheckCartId(request.CartId), request.CartId, context);
        return new GetCartResponse { Cart = await CartOfAsync(owner, await carts.ReadAsync(owner), CatalogLookup.None, "", 0, context) };
    }

    public override async Task<AddItemResponse> AddItem(AddItemRequest request, ServerCallContext context)
    {
        var owner = Authorize(new FieldViolations().CheckCartId(request.CartId).CheckSku(request.Sku).CheckQuantity(request.Quantity, options, allowZero: false),
            request.CartId, context);
        var (lookups, variant) = await SellableAsync(request.Sku, context);
        var change = await carts.AddAsync(owner, request.Sku, request.Quantity, variant.EffectivePrice, variant.Available);
        return new AddItemResponse { Cart = await CartOfAsync(owner, change, lookups, request.Sku, request.Quantity, context) };
    }

    public override async Task<UpdateItemResponse> UpdateItem(UpdateItemRequest request, ServerCallContext context)
    {
        var owner = Authorize(new FieldViolations().CheckCartId(request.CartId).CheckSku(request.Sku).CheckQuantity(request.Quantity, options, allowZero: true),
            request.CartId, context);
        if (request.Quantity == 0)
        {
            return new UpdateItemResponse { Cart = await CartOfAsync(owner, await carts.RemoveAsync(owner, request.Sku), CatalogLookup.None, request.Sku, 0, context) };
        }
        var (lookups, variant) = await SellableAsync(request.Sku, context);
        var change = await carts.SetQuantityAsync(owner, request.Sku, request.Quantity, variant.EffectivePrice, variant.Available);
        return new UpdateItemResponse { Cart = await CartOfAsync(owner, change, lookups, request.Sku, request.Quantity, context) };
    }

    public override async Task<RemoveItemResponse> RemoveItem(RemoveItemRequest request, ServerCallContext context)
    {
        var owner = Authorize(new FieldViolations().CheckCartId(request.CartId).CheckSku(request.Sku), request.CartId, context);
        return new RemoveItemResponse { Cart = await CartOfAsync(owner, await carts.RemoveAsync(owner, request.Sku), CatalogLookup.None, request.Sku, 0, context) };
    }

    public override async Task<ClearCartResponse> ClearCart(ClearCartRequest request, ServerCallContext context)
    {
        var owner = Authorize(new FieldViolations().CheckCartId(request.CartId), request.CartId, context);
        return new ClearCartResponse { Cart = await CartOfAsync(owner, await carts.ClearAsync(owner), CatalogLookup.None, "", 0, context) };
    }

    public override async Task<SaveForLaterResponse> SaveForLater(SaveForLaterRequest request, ServerCallContext context)
    {
        var owner = Authorize(new FieldViolations().CheckCartId(request.CartId).CheckSku(request.Sku), request.CartId, context);
        return new SaveForLaterResponse { Cart = await CartOfAsync(owner, await carts.SaveForLaterAsync(owner, request.Sku), CatalogLookup.None, request.Sku, 0, context) };
    }

    public override async Task<MoveToCartResponse> MoveToCart(MoveToCartRequest request, ServerCallContext context)
    {
        var owner = Authorize(new FieldViolations().CheckCartId(request.CartId).CheckSku(request.Sku), request.CartId, context);
        var (lookups, variant) = await SellableAsync(request.Sku, context);
        var change = await carts.MoveToCartAsync(owner, request.Sku, variant.EffectivePrice, variant.Available);
        return new MoveToCartResponse { Cart = await CartOfAsync(owner, change, lookups, request.Sku, 0, context) };
    }

    public override async Task<RemoveSavedItemResponse> RemoveSavedItem(RemoveSavedItemRequest request, ServerCallContext context)
    {
        var owner = Authorize(new FieldViolations().CheckCartId(request.CartId).CheckSku(request.Sku), request.CartId, context);
        return new RemoveSavedItemResponse { Cart = await CartOfAsync(owner, await carts.RemoveSavedAsync(owner, request.Sku), CatalogLookup.None, request.Sku, 0, context) };
    }

    public override async Task<MergeGuestCartResponse> MergeGuestCart(MergeGuestCartRequest request, ServerCallContext context)
    {
        var user = Authorize(new FieldViolations().CheckCartId(request.CartId, allowGuest: false), request.CartId, context);
        var guest = CartAccess.Guest(context);
        var change = await carts.MergeAsync(user, guest);
        var counts = change is CartChange.Changed changed ? changed.Detail.Split(' ') : ["0", "0"];
        return new MergeGuestCartResponse
        {
            Cart = await CartOfAsync(user, change, CatalogLookup.None, "", 0, context),
            MergedLines = int.Parse(counts[0]),
            SavedLines = int.Parse(counts[1]),
        };
    }

    public override async Task<ValidateCartResponse> ValidateCart(ValidateCartRequest request, ServerCallContext context)
    {
        var owner = Authorize(new FieldViolations().CheckCartId(request.CartId), request.CartId, context);
        var cart = await CartOfAsync(owner, await carts.ReadAsync(owner), CatalogLookup.None, "", 0, context);
        var problems = CartPricing.Problems(cart).ToList();
        return new ValidateCartResponse { Valid = problems.Count == 0, Problems = { problems }, Cart = cart };
    }

    private static CartOwner Authorize(FieldViolations violations, string cartId, ServerCallContext context)
    {
        violations.ThrowIfAny();
        return CartAccess.Resolve(context, cartId);
    }

    /// <summary>The SKU as the catalog sells it now: NOT_FOUND when it never existed, FAILED_PRECONDITION when discontinued.</summary>
    private async Task<(IReadOnlyDictionary<string, SkuLookup> Lookups, Variant Variant)> SellableAsync(string sku, ServerCallContext context)
    {
        var lookups = await catalog.FindAsync([sku], context.CancellationToken);
        var found = lookups.GetValueOrDefault(sku);
        return found?.State switch
        {
            State.Found => (lookups, found.Variant),
            State.Discontinued => throw GrpcErrors.WithDetails(StatusCode.FailedPrecondition, $"SKU {sku} is discontinued: the catalog no longer sells it.",
                new PreconditionFailure { Violations = { Violation("DISCONTINUED", sku, "no longer sold") } }),
            _ => throw new RpcException(new GrpcStatus(StatusCode.NotFound, $"SKU {sku} does not exist.")),
        };
    }

    /// <summary>The cart after a keeper's change, priced with what is already known plus one catalog call; or the refusal as a status.</summary>
    private async Task<Contracts.Cart.V1.Cart> CartOfAsync(CartOwner owner, CartChange change, IReadOnlyDictionary<string, SkuLookup> known,
        string sku, long quantity, ServerCallContext context)
    {
        switch (change)
        {
            case CartChange.Changed changed:
                var lookups = await catalog.CompleteAsync(changed.Cart.Skus, known, context.CancellationToken);
                var expiresAt = owner.IsGuest ? clock.GetUtcNow() + options.GuestCartLifetime : (DateTimeOffset?)null;
                return CartPricing.Price(owner, changed.Cart, lookups, options, expiresAt);
            case CartChange.NoCart:
                throw CartAccess.GuestTokenRefused();
            case CartChange.NotInCart:
                throw new RpcException(new GrpcStatus(StatusCode.NotFound, $"SKU {sku} is not in the cart."));
            case CartChange.NotSaved:
                throw new RpcException(new GrpcStatus(StatusCode.NotFound, $"SKU {sku} is not in the saved-for-later list."));
            case CartChange.LineLimit limit:
                throw new FieldViolations().Add("quantity",
                    $"would make the line hold {limit.Current + quantity}; a line holds at most {options.MaxQuantityPerLine}").ToException();
            case CartChange.CartLimit:
                throw new FieldViolations().Add("sku", $"would be a new line; a cart holds at most {options.MaxLines} lines").ToException();
            case CartChange.SavedLimit:
                throw new FieldViolations().Add("sku", $"would be a new saved line; the saved-for-later list holds at most {options.MaxLines} lines").ToException();
            case CartChange.OtherCurrency other:
                throw GrpcErrors.WithDetails(StatusCode.FailedPrecondition, $"The cart is in {other.CartCurrency}; SKU {sku} is priced in another currency.",
                    new PreconditionFailure { Violations = { Violation("CURRENCY_MISMATCH", sku, $"the cart is in {other.CartCurrency}") } });
            case CartChange.NotEnoughStock stock:
                var available = known.GetValueOrDefault(sku)?.Variant?.Available ?? 0;
                throw GrpcErrors.WithDetails(StatusCode.FailedPrecondition,
                    $"Not enough stock of SKU {sku}: {available} available, the cart would hold {(quantity == 0 ? "more" : (stock.Current + quantity).ToString())}.",
                    new PreconditionFailure { Violations = { Violation("INSUFFICIENT_STOCK", sku, $"{available} available") } });
            default:
                throw new InvalidOperationException($"Unexpected cart change {change}.");
        }
    }

    private static PreconditionFailure.Types.Violation Violation(string type, string sku, string description) =>
        new() { Type = type, Subject = $"skus/{sku}", Description = description };
}
