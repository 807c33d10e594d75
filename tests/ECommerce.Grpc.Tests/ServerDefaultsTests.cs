using ECommerce.Grpc.Tests.Hosting;
using ECommerce.Grpc.Tests.Protos;
using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace ECommerce.Grpc.Tests;

/// <summary>What AddECommerceGrpc gives every service, seen through our own client.</summary>
public sealed class ServerDefaultsTests(SharedInteropServer shared) : IDisposable
{
    private readonly InteropClients _clients = InteropClients.For(shared.Server.Address);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task InvalidArgument_CarriesFieldViolationsInStatusDetails()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            _clients.Client.FailAsync(new FailRequest { Field = "sku", Description = "must not be empty" }, cancellationToken: Ct).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var badRequest = error.GetRpcStatus()?.GetDetail<BadRequest>();
        Assert.NotNull(badRequest);
        var violation = Assert.Single(badRequest.FieldViolations);
        Assert.Equal("sku", violation.Field);
        Assert.Equal("must not be empty", violation.Description);
    }

    [Fact]
    public async Task UnhandledException_BecomesUnknownWithoutInternals_AndIsLogged()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            _clients.Client.CrashAsync(new EchoRequest(), cancellationToken: Ct).ResponseAsync);

        Assert.Equal(StatusCode.Unknown, error.StatusCode);
        Assert.DoesNotContain("hunter2", error.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.Trailers.ToString(), StringComparison.Ordinal);
        Assert.Contains(shared.Server.Logs.Entries, entry =>
            entry.Level == LogLevel.Error && entry.Exception?.Message == InteropService.CrashSecret
            && entry.Message.Contains("ecommerce.testing.v1.Interop/Crash", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DatabaseRefusingConnections_BecomesUnavailable_SoCallersRetry_AndIsLogged()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            _clients.Client.CrashAsync(new EchoRequest { Message = InteropService.DatabaseDown }, cancellationToken: Ct).ResponseAsync);

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Equal(GrpcErrors.DependencyUnavailableMessage, error.Status.Detail);
        Assert.Equal(TimeSpan.FromSeconds(1), error.GetRpcStatus()?.GetDetail<RetryInfo>()?.RetryDelay.ToTimeSpan());
        Assert.DoesNotContain("hunter2", error.Trailers.ToString(), StringComparison.Ordinal);
        Assert.Contains(shared.Server.Logs.Entries, entry =>
            entry.Level == LogLevel.Error && entry.Exception is Npgsql.NpgsqlException
            && entry.Message.Contains("ecommerce.testing.v1.Interop/Crash", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MessageOverFourMebibytes_IsRejectedWithResourceExhausted()
    {
        var oversized = new EchoRequest { Payload = ByteString.CopyFrom(new byte[GrpcServerExtensions.MaxReceiveMessageSize + 1]) };

        var error = await Assert.ThrowsAsync<RpcException>(() => _clients.Client.UnaryAsync(oversized, cancellationToken: Ct).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    [Fact]
    public async Task MessageJustUnderTheLimit_IsServed()
    {
        var large = new EchoRequest { Payload = ByteString.CopyFrom(new byte[GrpcServerExtensions.MaxReceiveMessageSize - 64]) };

        var reply = await _clients.Client.UnaryAsync(large, cancellationToken: Ct);

        Assert.Equal(large.Payload.Length, reply.Payload.Length);
    }

    [Fact]
    public async Task RegisteringTheDefaultsTwice_StillLogsEachCallOnce()
    {
        await using var server = await InteropServer.StartAsync(configureServices: services => services.AddECommerceGrpc());
        using var clients = InteropClients.For(server.Address);

        await clients.Client.UnaryAsync(new EchoRequest { Message = "once" }, cancellationToken: Ct);

        Assert.Single(server.Logs.Entries, entry => entry.Message.StartsWith("gRPC call ecommerce.testing.v1.Interop/Unary", StringComparison.Ordinal));
    }

    public void Dispose() => _clients.Dispose();
}
