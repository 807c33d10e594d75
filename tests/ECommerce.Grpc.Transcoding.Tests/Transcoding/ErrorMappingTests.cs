using System.Net;
using ECommerce.Grpc.Transcoding.Errors;
using ECommerce.Grpc.Transcoding.Tests.Hosting;
using ECommerce.Grpc.Transcoding.Tests.Bookstore;
using Grpc.Core;
using Grpc.Net.Client;

namespace ECommerce.Grpc.Transcoding.Tests.Transcoding;

public sealed class ErrorMappingTests(BookstoreHosts hosts)
{
    public static TheoryData<RestEdge, StatusCode, int> Failures()
    {
        var data = new TheoryData<RestEdge, StatusCode, int>();
        (StatusCode, int)[] mapping =
        [
            (StatusCode.InvalidArgument, 400), (StatusCode.FailedPrecondition, 400), (StatusCode.OutOfRange, 400),
            (StatusCode.Unauthenticated, 401), (StatusCode.PermissionDenied, 403), (StatusCode.NotFound, 404),
            (StatusCode.AlreadyExists, 409), (StatusCode.Aborted, 409), (StatusCode.ResourceExhausted, 429),
            (StatusCode.Internal, 500), (StatusCode.Unimplemented, 501), (StatusCode.Unavailable, 503),
            (StatusCode.DeadlineExceeded, 504),
        ];
        foreach (var edge in Enum.GetValues<RestEdge>())
        {
            foreach (var (code, http) in mapping)
            {
                data.Add(edge, code, http);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task ServiceFailure_MapsToHttpStatus_WithStatusJsonAndDecodedDetails(RestEdge edge, StatusCode code, int expectedHttpStatus)
    {
        var answer = await hosts.Rest(edge).SendAsync("GET", $"/v1/failures/{(int)code}");

        Assert.Equal(expectedHttpStatus, (int)answer.Status);
        Assert.Equal("application/json", answer.ContentType);
        var status = answer.Json;
        Assert.Equal((int)code, (int)status["code"]!);
        Assert.Equal($"failed with code {(int)code}", (string)status["message"]!);
        var details = status["details"]!.AsArray();
        Assert.Equal(2, details.Count);
        Assert.Equal("type.googleapis.com/google.rpc.ErrorInfo", (string)details[0]!["@type"]!);
        Assert.Equal("TEST_FAILURE", (string)details[0]!["reason"]!);
        Assert.Equal("type.googleapis.com/google.rpc.BadRequest", (string)details[1]!["@type"]!);
        Assert.Equal("code", (string)details[1]!["fieldViolations"]![0]!["field"]!);
    }

    [Theory, BothEdges]
    public async Task DetailOfAnUnknownType_IsLeftOut_AndTheStatusStillComesThrough(RestEdge edge)
    {
        var answer = await hosts.Rest(edge).SendAsync("GET", "/v1/failures/5?includeUnknownDetail=true");

        Assert.Equal(HttpStatusCode.NotFound, answer.Status);
        Assert.Equal(2, answer.Json["details"]!.AsArray().Count);
    }

    [Fact]
    public async Task GrpcCallers_StillGetEveryDetail_IncludingUnknownTypes()
    {
        using var channel = GrpcChannel.ForAddress(hosts.GrpcAddress);
        var client = new Bookstore.Bookstore.BookstoreClient(channel);

        var failure = await Assert.ThrowsAsync<RpcException>(() =>
            client.FailAsync(new FailRequest { Code = 5, IncludeUnknownDetail = true }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, failure.StatusCode);
        Assert.Equal(3, failure.GetRpcStatus()!.Details.Count);
    }

    [Fact]
    public void EveryGrpcCode_HasTheStandardHttpStatus()
    {
        Assert.Equal(499, GrpcHttpStatus.From(StatusCode.Cancelled));
        Assert.Equal(500, GrpcHttpStatus.From(StatusCode.Unknown));
        Assert.Equal(500, GrpcHttpStatus.From(StatusCode.DataLoss));
        Assert.Equal(200, GrpcHttpStatus.From(StatusCode.OK));
    }

    [Theory, BothEdges]
    public async Task UnknownRoute_Is404(RestEdge edge)
    {
        var answer = await hosts.Rest(edge).SendAsync("GET", "/v2/shelves/1");

        Assert.Equal(HttpStatusCode.NotFound, answer.Status);
    }

    [Theory]
    [InlineData(RestEdge.InProcess, "POST", "/v1/shelves/1/books/2")]
    [InlineData(RestEdge.Gateway, "POST", "/v1/shelves/1/books/2")]
    [InlineData(RestEdge.InProcess, "DELETE", "/v1/whoami")]
    [InlineData(RestEdge.Gateway, "DELETE", "/v1/whoami")]
    public async Task KnownRouteWithTheWrongMethod_Is405Or404(RestEdge edge, string method, string path)
    {
        var answer = await hosts.Rest(edge).SendAsync(method, path, method == "POST" ? "{}" : null);

        // ASP.NET Core routing answers 405 when only the method is wrong, but 404 when another route of that
        // method (here ':archive') shares the path's shape, and Microsoft's gRPC fallback routes answer 404.
        Assert.Contains(answer.Status, new[] { HttpStatusCode.MethodNotAllowed, HttpStatusCode.NotFound });
    }
}
