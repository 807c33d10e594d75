using System.Security.Claims;
using ECommerce.ServiceDefaults.Authentication;
using Google.Rpc;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using GrpcStatus = Grpc.Core.Status;

namespace ECommerce.Shipping.Api;

/// <summary>
/// The ecommerce.shipping.v1.ShippingService contract: validates, calls <see cref="QuoteKeeper"/> or <see cref="ShipmentKeeper"/>,
/// maps their outcomes to statuses. Quotes belong to the customer who asked; shipments are created and cancelled by a
/// service with the shipping scope (Orders) or an admin; a customer reads their own, an admin or that service any.
/// </summary>
internal sealed class ShippingApi(QuoteKeeper quotes, ShipmentKeeper shipments, ShippingOptions options) : ShippingService.ShippingServiceBase
{
    [Authorize]
    public override async Task<GetQuotesResponse> GetQuotes(GetQuotesRequest request, ServerCallContext context)
    {
        if (context.GetHttpContext().User.ServiceName() is { } service)
        {
            throw new RpcException(new GrpcStatus(StatusCode.PermissionDenied, $"Quotes are made for a signed-in customer, not for the service '{service}'."));
        }
        var violations = new FieldViolations();
        AddressRules.Check(request.Address, options.Rates, violations);
        QuoteRules.CheckItems(request.Items, violations);
        violations.Check(request.CurrencyCode.Length == 0 || request.CurrencyCode == options.Rates.Currency, "currency_code",
            $"must be {options.Rates.Currency} (the rate table's currency) or empty");
        violations.ThrowIfAny();

        var outcome = await quotes.QuoteAsync(Caller(context), AddressRules.Normalize(request.Address), QuoteRules.Normalize(request.Items), request.Items,
            context.CancellationToken);
        return outcome switch
        {
            QuoteOutcome.Quoted quoted => new GetQuotesResponse { Quotes = { quoted.Quotes.Select(quote => quote.ToContract()) } },
            QuoteOutcome.NotSold notSold => throw notSold.Indexes.Aggregate(new FieldViolations(),
                (found, index) => found.Add($"items[{index}].sku", "is not sold by the catalog (unknown or discontinued)")).ToException(),
            QuoteOutcome.TooHeavy heavy => throw Precondition("WEIGHT_OVER_LIMIT", "items",
                $"The parcel weighs {heavy.WeightGrams:N0} g; the carrier takes at most {heavy.MaxGrams:N0} g. Split the order.", $"at most {heavy.MaxGrams} grams"),
            _ => throw new InvalidOperationException("Unknown quote outcome."),
        };
    }

    [Authorize]
    public override async Task<GetQuoteResponse> GetQuote(GetQuoteRequest request, ServerCallContext context)
    {
        var quoteId = CheckId(request.QuoteId, "quote_id");
        var quote = await quotes.GetAsync(quoteId, context.CancellationToken) ?? throw NotFound("Quote", request.QuoteId);
        CheckOwner(quote.UserId, context, "quotes");
        return new GetQuoteResponse { Quote = quote.ToContract() };
    }

    [RequireScope(ServiceScopes.Shipping, OrRole = AccessTokens.AdminRole)]
    public override async Task<CreateShipmentResponse> CreateShipment(CreateShipmentRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations();
        CheckRequired(request.OrderId, "order_id", violations);
        violations.Check(Guid.TryParse(request.QuoteId, out var quoteId), "quote_id", "must be a quote id (a UUID)");
        CheckRequired(request.UserId, "user_id", violations);
        violations.ThrowIfAny();
        var outcome = await shipments.CreateAsync(request.OrderId, quoteId, request.UserId, Caller(context), context.CancellationToken);
        return new CreateShipmentResponse { Shipment = Map(outcome, request.QuoteId) };
    }

    [RequireScope(ServiceScopes.Shipping, OrRole = AccessTokens.AdminRole)]
    public override async Task<CancelShipmentResponse> CancelShipment(CancelShipmentRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations();
        violations.Check(Guid.TryParse(request.ShipmentId, out var shipmentId), "shipment_id", "must be a shipment id (a UUID)")
            .Check(request.Reason.Length <= 200, "reason", "must be at most 200 characters");
        violations.ThrowIfAny();
        return new CancelShipmentResponse { Shipment = Map(await shipments.CancelAsync(shipmentId, request.Reason, context.CancellationToken), "") };
    }

    [Authorize]
    public override async Task<GetShipmentResponse> GetShipment(GetShipmentRequest request, ServerCallContext context)
    {
        var shipmentId = CheckId(request.ShipmentId, "shipment_id");
        var (shipment, tracking) = await shipments.ReadAsync(shipmentId, context.CancellationToken) ?? throw NotFound("Shipment", request.ShipmentId);
        CheckOwner(shipment.UserId, context, "shipments");
        return new GetShipmentResponse { Shipment = shipment.ToContract(tracking) };
    }

    [Authorize]
    public override async Task<ListShipmentsResponse> ListShipments(ListShipmentsRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations();
        CheckRequired(request.OrderId, "order_id", violations);
        violations.ThrowIfAny();
        var found = await shipments.ListAsync(request.OrderId, context.CancellationToken);
        foreach (var (shipment, _) in found)
        {
            CheckOwner(shipment.UserId, context, "shipments");
        }
        return new ListShipmentsResponse { Shipments = { found.Select(pair => pair.Shipment.ToContract(pair.Tracking)) } };
    }

    [Authorize]
    public override async Task<CreateReturnResponse> CreateReturn(CreateReturnRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations();
        violations.Check(Guid.TryParse(request.ShipmentId, out var shipmentId), "shipment_id", "must be a shipment id (a UUID)")
            .Check(request.Reason.Length <= 200, "reason", "must be at most 200 characters");
        violations.ThrowIfAny();
        var shipment = await shipments.GetAsync(shipmentId, context.CancellationToken) ?? throw NotFound("Shipment", request.ShipmentId);
        var caller = context.GetHttpContext().User;
        if (shipment.UserId != caller.FindFirstValue(AccessTokens.SubjectClaim) && !caller.IsInRole(AccessTokens.AdminRole))
        {
            throw new RpcException(new GrpcStatus(StatusCode.PermissionDenied, "Only the shipment's customer or an admin may return it."));
        }
        return new CreateReturnResponse { Shipment = Map(await shipments.CreateReturnAsync(shipmentId, request.Reason, context.CancellationToken), "") };
    }

    /// <summary>Who asked: a user id, or "service:orders".</summary>
    private static string Caller(ServerCallContext context) => context.GetHttpContext().User.FindFirstValue(AccessTokens.SubjectClaim) ?? "";

    /// <summary>A customer reads only their own; an admin or a service with the shipping scope reads any.</summary>
    private static void CheckOwner(string ownerId, ServerCallContext context, string what)
    {
        var caller = context.GetHttpContext().User;
        if (ownerId != caller.FindFirstValue(AccessTokens.SubjectClaim) && !caller.IsInRole(AccessTokens.AdminRole) && !caller.HasScope(ServiceScopes.Shipping))
        {
            throw new RpcException(new GrpcStatus(StatusCode.PermissionDenied, $"You may only read your own {what}."));
        }
    }

    private static Guid CheckId(string id, string field)
    {
        new FieldViolations().Check(Guid.TryParse(id, out var parsed), field, $"must be a {field[..^3]} id (a UUID)").ThrowIfAny();
        return parsed;
    }

    private static void CheckRequired(string value, string field, FieldViolations violations) =>
        violations.Check(!string.IsNullOrWhiteSpace(value) && value.Length <= QuoteRules.MaxIdLength, field, $"is required and at most {QuoteRules.MaxIdLength} characters");

    private static Shipment Map(ShipmentOutcome outcome, string quoteId) => outcome switch
    {
        ShipmentOutcome.Done done => done.Shipment.ToContract(done.Tracking),
        ShipmentOutcome.Unknown unknown => throw new RpcException(new GrpcStatus(StatusCode.Unavailable, unknown.Reason)),
        ShipmentOutcome.NotFound => throw new RpcException(new GrpcStatus(StatusCode.NotFound, "No such shipment.")),
        ShipmentOutcome.QuoteNotFound => throw NotFound("Quote", quoteId),
        ShipmentOutcome.QuoteExpired expired => throw Precondition("QUOTE_EXPIRED", $"quotes/{quoteId}",
            $"Quote {quoteId} expired at {expired.ExpiredAt:u}; ask for new quotes.", $"expired at {expired.ExpiredAt:u}"),
        ShipmentOutcome.QuoteOfAnotherUser => throw Precondition("QUOTE_OWNER", "user_id",
            $"Quote {quoteId} was made for another customer than user_id.", "must be the customer the quote was made for"),
        ShipmentOutcome.OrderHasOtherShipment other => throw Precondition("ORDER_HAS_SHIPMENT", $"orders/{other.Shipment.OrderId}",
            $"Order {other.Shipment.OrderId} already has shipment {other.Shipment.ShipmentId}, booked from another quote or for another customer.",
            other.Shipment.ShipmentId.ToString()),
        ShipmentOutcome.WrongState wrong => throw Precondition("SHIPMENT_STATE", $"shipments/{wrong.Shipment.ShipmentId}",
            $"Shipment {wrong.Shipment.ShipmentId} is {wrong.Shipment.Status}; it cannot be {wrong.Operation}.", wrong.Shipment.Status),
        ShipmentOutcome.ReturnWindowClosed closed => throw Precondition("RETURN_WINDOW_CLOSED", $"shipments/{closed.Shipment.ShipmentId}",
            $"The return window of shipment {closed.Shipment.ShipmentId} closed at {closed.ClosedAt:u}.", $"closed at {closed.ClosedAt:u}"),
        ShipmentOutcome.CarrierRefused refused => throw Precondition("CARRIER_REFUSED", "carrier", $"The carrier refused: {refused.Message}", refused.Code),
        _ => throw new InvalidOperationException("Unknown shipment outcome."),
    };

    private static RpcException Precondition(string type, string subject, string message, string description) =>
        GrpcErrors.WithDetails(StatusCode.FailedPrecondition, message,
            new PreconditionFailure { Violations = { new PreconditionFailure.Types.Violation { Type = type, Subject = subject, Description = description } } });

    private static RpcException NotFound(string what, string id) => new(new GrpcStatus(StatusCode.NotFound, $"{what} {id} does not exist."));
}
