using ECommerce.ServiceDefaults.Authentication;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using GrpcStatus = Grpc.Core.Status;

namespace ECommerce.Catalog.Api;

/// <summary>
/// The ecommerce.catalog.v1.InventoryService contract. Anyone may read stock; adjusting it needs an admin token.
/// </summary>
/// <remarks>
/// ReserveStock, ReleaseStock, CommitStock and ReturnStock are for the Orders service, not for people: they need a service
/// token with the inventory scope. An admin's token is refused too; an admin changes stock with AdjustStock.
/// </remarks>
internal sealed class InventoryApi(StockKeeper stock) : InventoryService.InventoryServiceBase
{
    public override async Task<GetStockResponse> GetStock(GetStockRequest request, ServerCallContext context)
    {
        CheckSku(request.Sku);
        return new GetStockResponse { Stock = await stock.GetAsync(request.Sku, context.CancellationToken) ?? throw UnknownSku(request.Sku) };
    }

    [Authorize(Roles = AccessTokens.AdminRole)]
    public override async Task<AdjustStockResponse> AdjustStock(AdjustStockRequest request, ServerCallContext context)
    {
        new FieldViolations()
            .Check(ProductRules.IsValidSku(request.Sku), "sku", "must be a SKU")
            .Check(request.Delta != 0, "delta", "must not be 0")
            .Check(request.Delta is >= -1_000_000_000 and <= 1_000_000_000, "delta", "must be at most 1,000,000,000 units either way")
            .Check(!string.IsNullOrWhiteSpace(request.Reason) && request.Reason.Length <= 200, "reason", "is required and at most 200 characters")
            .ThrowIfAny();
        var adjustedBy = context.GetHttpContext().User.FindFirst(AccessTokens.SubjectClaim)?.Value ?? "";
        return await stock.AdjustAsync(request.Sku, request.Delta, request.Reason.Trim(), adjustedBy, context.CancellationToken) switch
        {
            AdjustmentOutcome.Adjusted adjusted => new AdjustStockResponse { Stock = adjusted.Stock },
            AdjustmentOutcome.BelowReserved below => throw GrpcErrors.WithDetails(StatusCode.FailedPrecondition,
                $"SKU {request.Sku} has {below.Stock.OnHand} on hand, {below.Stock.Reserved} of them reserved; on hand cannot fall below what is reserved.",
                new PreconditionFailure { Violations = { Violation("STOCK_RESERVED", request.Sku, $"{below.Stock.Reserved} units are reserved") } }),
            _ => throw UnknownSku(request.Sku),
        };
    }

    [RequireScope(ServiceScopes.Inventory)]
    public override async Task<ReserveStockResponse> ReserveStock(ReserveStockRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations();
        StockRules.CheckOrderId(request.OrderId, violations);
        StockRules.CheckLines(request.Lines, violations);
        violations.ThrowIfAny();

        return await stock.ReserveAsync(request.OrderId, StockRules.Normalize(request.Lines), context.CancellationToken) switch
        {
            ReservationOutcome.Reserved reserved => new ReserveStockResponse
            {
                ReservationId = reserved.ReservationId.ToString(),
                ExpiresAt = Timestamp.FromDateTimeOffset(reserved.ExpiresAt),
            },
            ReservationOutcome.Short shortOf => throw NotEnoughStock(shortOf.Shortages),
            ReservationOutcome.Ended ended => throw GrpcErrors.WithDetails(StatusCode.FailedPrecondition,
                $"The reservation of order {request.OrderId} was {ended.Status}; an order id reserves stock only once.",
                new PreconditionFailure { Violations = { new PreconditionFailure.Types.Violation { Type = "RESERVATION_ENDED", Subject = $"orders/{request.OrderId}", Description = ended.Status } } }),
            _ => throw new InvalidOperationException("Unknown reservation outcome."),
        };
    }

    [RequireScope(ServiceScopes.Inventory)]
    public override async Task<ReleaseStockResponse> ReleaseStock(ReleaseStockRequest request, ServerCallContext context)
    {
        CheckOrderId(request.OrderId);
        return await stock.SettleAsync(request.OrderId, Settlement.Release, context.CancellationToken) switch
        {
            SettlementOutcome.NotFound => throw NoReservation(request.OrderId),
            // Released, expired or returned, the units are back in stock either way.
            SettlementOutcome.AlreadySettled { Status: "committed" } => throw ReservationSettled(request.OrderId, "committed", "it was sold"),
            _ => new ReleaseStockResponse(),
        };
    }

    [RequireScope(ServiceScopes.Inventory)]
    public override async Task<CommitStockResponse> CommitStock(CommitStockRequest request, ServerCallContext context)
    {
        CheckOrderId(request.OrderId);
        return await stock.SettleAsync(request.OrderId, Settlement.Commit, context.CancellationToken) switch
        {
            SettlementOutcome.NotFound => throw NoReservation(request.OrderId),
            SettlementOutcome.Expired => throw ReservationSettled(request.OrderId, "expired", "its stock was released"),
            SettlementOutcome.AlreadySettled settled => throw ReservationSettled(request.OrderId, settled.Status, "its stock was released"),
            _ => new CommitStockResponse(),
        };
    }

    [RequireScope(ServiceScopes.Inventory)]
    public override async Task<ReturnStockResponse> ReturnStock(ReturnStockRequest request, ServerCallContext context)
    {
        CheckOrderId(request.OrderId);
        return await stock.SettleAsync(request.OrderId, Settlement.Return, context.CancellationToken) switch
        {
            SettlementOutcome.NotFound => throw NoReservation(request.OrderId),
            SettlementOutcome.AlreadySettled { Status: "reserved" } => throw ReservationSettled(request.OrderId, "not committed",
                "nothing was sold to return; release the reservation instead"),
            SettlementOutcome.AlreadySettled settled => throw ReservationSettled(request.OrderId, settled.Status, "nothing was sold to return"),
            _ => new ReturnStockResponse(),
        };
    }

    private static RpcException NotEnoughStock(IReadOnlyList<Shortage> shortages)
    {
        var failure = new PreconditionFailure();
        failure.Violations.Add(shortages.Select(shortage => shortage.Available is { } available
            ? Violation("INSUFFICIENT_STOCK", shortage.Sku, $"{shortage.Requested} requested, {available} available")
            : Violation("UNKNOWN_SKU", shortage.Sku, "does not exist")));
        return GrpcErrors.WithDetails(StatusCode.FailedPrecondition,
            $"Not enough stock; nothing was reserved. Short: {string.Join(", ", shortages.Select(shortage => shortage.Available is { } available ? $"{shortage.Sku} ({shortage.Requested} requested, {available} available)" : $"{shortage.Sku} (no such SKU)"))}.",
            failure);
    }

    private static RpcException ReservationSettled(string orderId, string status, string consequence) =>
        GrpcErrors.WithDetails(StatusCode.FailedPrecondition, $"The reservation of order {orderId} was {status}: {consequence}.",
            new PreconditionFailure { Violations = { new PreconditionFailure.Types.Violation { Type = "RESERVATION_ENDED", Subject = $"orders/{orderId}", Description = status } } });

    private static PreconditionFailure.Types.Violation Violation(string type, string sku, string description) =>
        new() { Type = type, Subject = $"skus/{sku}", Description = description };

    private static void CheckSku(string sku) => new FieldViolations().Check(ProductRules.IsValidSku(sku), "sku", "must be a SKU").ThrowIfAny();

    private static void CheckOrderId(string orderId)
    {
        var violations = new FieldViolations();
        StockRules.CheckOrderId(orderId, violations);
        violations.ThrowIfAny();
    }

    private static RpcException UnknownSku(string sku) => new(new GrpcStatus(StatusCode.NotFound, $"SKU {sku} does not exist."));

    private static RpcException NoReservation(string orderId) => new(new GrpcStatus(StatusCode.NotFound, $"Order {orderId} has no reservation."));
}
