using Google.Rpc;
using Grpc.Core;

namespace ECommerce.Grpc.Tests.Errors;

/// <summary>
/// The details helpers build what grpc-dotnet sends as grpc-status-details-bin; the interop tests
/// show python and grpc-js decoding it, these show the status a caller gets for other codes.
/// </summary>
public sealed class GrpcErrorsTests
{
    [Fact]
    public void WithDetails_CarriesTheCodeMessageAndEveryDetail()
    {
        var error = GrpcErrors.WithDetails(StatusCode.FailedPrecondition, "Out of stock.",
            new ErrorInfo { Reason = "OUT_OF_STOCK", Domain = "catalog.ecommerce" },
            new PreconditionFailure { Violations = { new PreconditionFailure.Types.Violation { Type = "STOCK", Subject = "sku-1" } } });

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Equal("Out of stock.", error.Status.Detail);
        var status = error.GetRpcStatus();
        Assert.NotNull(status);
        Assert.Equal((int)StatusCode.FailedPrecondition, status.Code);
        Assert.Equal("OUT_OF_STOCK", status.GetDetail<ErrorInfo>()?.Reason);
        Assert.Equal("sku-1", status.GetDetail<PreconditionFailure>()?.Violations.Single().Subject);
        Assert.Contains(error.Trailers, entry => entry.Key == "grpc-status-details-bin" && entry.IsBinary);
    }

    [Fact]
    public void InvalidArgument_ListsEveryFieldViolation()
    {
        var error = GrpcErrors.InvalidArgument("The order is invalid.", ("items[0].quantity", "must be at least 1"), ("address.zip", "is required"));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var violations = error.GetRpcStatus()?.GetDetail<BadRequest>()?.FieldViolations.Select(v => (v.Field, v.Description));
        Assert.Equal([("items[0].quantity", "must be at least 1"), ("address.zip", "is required")], violations);
    }

    [Fact]
    public void FieldViolations_ReportsEveryBadFieldAtOnce()
    {
        var violations = new FieldViolations()
            .Check(valid: false, "email", "must contain @")
            .Check(valid: true, "name", "is required")
            .Add("password", "is too short");

        var error = Assert.Throws<RpcException>(violations.ThrowIfAny);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("email must contain @", error.Status.Detail, StringComparison.Ordinal);
        var fields = error.GetRpcStatus()?.GetDetail<BadRequest>()?.FieldViolations.Select(v => v.Field);
        Assert.Equal(["email", "password"], fields);
    }

    [Fact]
    public void FieldViolations_WithNothingWrong_DoesNotThrow()
    {
        var violations = new FieldViolations().Check(valid: true, "name", "is required");

        Assert.True(violations.IsEmpty);
        violations.ThrowIfAny();
    }
}
