using System.Net;
using ECommerce.Grpc.Transcoding.Bindings;
using ECommerce.Grpc.Transcoding.Gateway;
using ECommerce.Grpc.Transcoding.Tests.Bookstore;
using ECommerce.Grpc.Transcoding.Tests.Hosting;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ECommerce.Grpc.Transcoding.Tests.Gateway;

/// <summary>What only the gateway does: carrying headers across as metadata, streaming, and a remote that is down.</summary>
public sealed class GatewayForwardingTests(BookstoreHosts hosts)
{
    private static readonly Dictionary<string, string> CallerHeaders = new()
    {
        ["Authorization"] = "Bearer token-123",
        ["X-Request-Id"] = "req-42",
        ["Cookie"] = "session=secret",
        ["X-Not-Forwarded"] = "x",
    };

    [Fact]
    public async Task AuthorizationAndRequestId_ArriveAsMetadata_OtherHeadersDoNot()
    {
        var answer = await hosts.GatewayRest.SendAsync("GET", "/v1/whoami", headers: CallerHeaders);

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal("Bearer token-123", (string)answer.Json["authorization"]!);
        Assert.Equal("req-42", (string)answer.Json["requestId"]!);
        Assert.Empty(answer.Json["unexpectedKeys"]!.AsArray());
    }

    [Fact]
    public async Task InProcess_TheServiceSeesTheAuthorizationHeaderToo()
    {
        var answer = await hosts.InProcessRest.SendAsync("GET", "/v1/whoami", headers: CallerHeaders);

        Assert.Equal("Bearer token-123", (string)answer.Json["authorization"]!);
    }

    [Theory, BothEdges]
    public async Task ServerStreaming_IsNewlineDelimitedJson_WithAMidStreamFailureAsTheLastLine(RestEdge edge)
    {
        var answer = await hosts.Rest(edge).SendAsync("GET", "/v1/shelves/4/books:stream?count=2&failAtEnd=true");

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        var lines = answer.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Contains("\"shelves/4/books/1\"", lines[0]);
        Assert.Contains("\"shelves/4/books/2\"", lines[1]);
        Assert.Contains("\"code\":10", lines[2].Replace(" ", ""));
        Assert.Contains("stream aborted after the last book", lines[2]);
    }

    [Theory, BothEdges]
    public async Task CallerDisconnecting_CancelsTheCallAtTheService(RestEdge edge)
    {
        var parent = $"shelves/cancel-{edge}";
        var cancelled = BookstoreService.CancelledStreams.GetOrAdd(parent, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        var response = await hosts.Rest(edge).GetAsync($"/v1/{parent}/books:stream?count=1&waitForCancellation=true",
            HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        using (var lines = new StreamReader(await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken)))
        {
            Assert.Contains(parent + "/books/1", await lines.ReadLineAsync(TestContext.Current.CancellationToken));
        }
        response.Dispose();

        await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task CallTimeout_BecomesTheDeadline_AndAnExpiredOneIs504()
    {
        await using var gateway = await StartGatewayAsync(hosts.GrpcAddress.ToString(), options => options.CallTimeout = TimeSpan.FromMilliseconds(300));

        var answer = await gateway.Client.SendAsync("GET", "/v1/shelves/slow/books:stream?count=0&waitForCancellation=true");

        Assert.Equal(HttpStatusCode.GatewayTimeout, answer.Status);
        Assert.Equal(4, (int)answer.Json["code"]!);
    }

    [Fact]
    public async Task RemoteServiceDown_Is503WithUnavailableStatus()
    {
        await using var gateway = await StartGatewayAsync("http://127.0.0.1:1");

        var answer = await gateway.Client.SendAsync("GET", "/v1/shelves/1/books/2");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.Status);
        Assert.Equal(14, (int)answer.Json["code"]!);
    }

    [Fact]
    public async Task MappingARouteTwice_FailsAtStartup_NamingTheBinding()
    {
        var builder = WebApplication.CreateSlimBuilder();
        await using var app = builder.Build();
        var bindings = HttpBinding.ForFiles(BookstoreReflection.Descriptor);
        var getBook = bindings.Single(binding => binding.Method.Name == "GetBook");
        using var channel = GrpcChannel.ForAddress(hosts.GrpcAddress);

        app.MapGrpcGateway(channel.CreateCallInvoker(), [getBook]);

        var conflict = Assert.Throws<InvalidOperationException>(() => app.MapGrpcGateway(channel.CreateCallInvoker(), [getBook]));

        Assert.Contains("GET /v1/{name=shelves/*/books/*}", conflict.Message);
    }

    [Theory]
    [InlineData("x-token-bin")]
    [InlineData("grpc-timeout")]
    public async Task ForwardingReservedMetadata_FailsAtStartup(string header)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddGrpcGateway(options => options.ForwardedHeaders.Add(header));
        await using var app = builder.Build();
        using var channel = GrpcChannel.ForAddress(hosts.GrpcAddress);

        var error = Assert.Throws<InvalidOperationException>(() => app.MapGrpcGateway(channel.CreateCallInvoker(), BookstoreReflection.Descriptor));

        Assert.Contains(header, error.Message);
    }

    private static async Task<OneOffGateway> StartGatewayAsync(string remoteAddress, Action<GrpcGatewayOptions>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddGrpcGateway(configure);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var channel = GrpcChannel.ForAddress(remoteAddress);
        app.MapGrpcGateway(channel.CreateCallInvoker(), BookstoreReflection.Descriptor);
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new OneOffGateway(app, channel, new HttpClient { BaseAddress = new Uri(address) });
    }

    private sealed record OneOffGateway(WebApplication App, GrpcChannel Channel, HttpClient Client) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await App.DisposeAsync();
            Channel.Dispose();
        }
    }
}
