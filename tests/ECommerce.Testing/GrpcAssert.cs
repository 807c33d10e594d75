using Google.Rpc;
using Grpc.Core;
using Xunit;

namespace ECommerce.Testing;

public static class GrpcAssert
{
    /// <summary>
    /// The call fails with INVALID_ARGUMENT whose google.rpc.BadRequest names exactly
    /// <paramref name="expectedFields"/>, each also named in the plain message.
    /// </summary>
    public static async Task InvalidArgumentNamingAsync(Func<Task> call, IReadOnlyCollection<string> expectedFields)
    {
        var error = await Assert.ThrowsAsync<RpcException>(call);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var badRequest = error.GetRpcStatus()?.GetDetail<BadRequest>();
        Assert.NotNull(badRequest);
        Assert.Equal(expectedFields.Order(), badRequest.FieldViolations.Select(violation => violation.Field).Distinct().Order());
        Assert.All(expectedFields, field => Assert.Contains(field, error.Status.Detail));
    }
}
