using System.Diagnostics;
using System.Net;
using ECommerce.Grpc.Tests.Hosting;
using ECommerce.Grpc.Tests.Protos;
using Google.Protobuf;
using Grpc.Core;

namespace ECommerce.Grpc.Tests.Protocol;

/// <summary>
/// Whatever arrives, the server answers with a gRPC status or an HTTP 4xx: never a 500, never a hang,
/// and it keeps serving valid calls afterwards.
/// </summary>
public sealed class BadInputTests(SharedInteropServer shared) : IDisposable
{
    private const string Unary = "/ecommerce.testing.v1.Interop/Unary";

    private readonly RawGrpcClient _raw = new(shared.Server.Address);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static byte[] ValidUnaryBody => RawGrpcClient.Frame(new EchoRequest { Message = "ok" }.ToByteArray());

    [Fact]
    public async Task ValidHandMadeCall_Succeeds()
    {
        var response = await _raw.SendAsync(Unary, ValidUnaryBody, cancellationToken: Ct);

        Assert.Equal((HttpStatusCode.OK, "0"), (response.HttpStatus, response.GrpcStatus));
        Assert.Equal("ok", EchoReply.Parser.ParseFrom(response.Body.AsSpan(5)).Message);
    }

    [Fact]
    public async Task WrongContentType_IsHttp415()
    {
        var response = await _raw.SendAsync(Unary, ValidUnaryBody, contentType: "application/json", cancellationToken: Ct);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.HttpStatus);
    }

    [Theory]
    [InlineData("/ecommerce.testing.v1.Interop/NoSuchMethod")]
    [InlineData("/no.such.Service/Unary")]
    public async Task UnknownServiceOrMethod_IsUnimplemented(string path)
    {
        var response = await _raw.SendAsync(path, ValidUnaryBody, cancellationToken: Ct);

        Assert.Equal(((int)StatusCode.Unimplemented).ToString(), response.GrpcStatus);
    }

    [Fact]
    public async Task UnsupportedGrpcEncoding_IsUnimplemented()
    {
        var response = await _raw.SendAsync(Unary, RawGrpcClient.Frame(new EchoRequest { Message = "ok" }.ToByteArray(), compressed: true),
            headers: [("grpc-encoding", "snappy")], cancellationToken: Ct);

        Assert.Equal(((int)StatusCode.Unimplemented).ToString(), response.GrpcStatus);
    }

    [Fact]
    public async Task FrameDeclaringMoreThanFourMebibytes_IsResourceExhausted()
    {
        var body = RawGrpcClient.Frame(new byte[64], declaredLength: GrpcServerExtensions.MaxReceiveMessageSize + 1);

        var response = await _raw.SendAsync(Unary, body, cancellationToken: Ct);

        Assert.Equal(((int)StatusCode.ResourceExhausted).ToString(), response.GrpcStatus);
    }

    [Fact]
    public async Task ClientAcceptingGzip_GetsLargeResponsesGzipped_AndSmallOnesAsTheyAre()
    {
        var large = new EchoRequest { Message = new string('x', 4 * GrpcServerExtensions.MinCompressedResponseSize) };

        var compressed = await _raw.SendAsync(Unary, RawGrpcClient.Frame(large.ToByteArray()), headers: [("grpc-accept-encoding", "gzip")], cancellationToken: Ct);
        var small = await _raw.SendAsync(Unary, ValidUnaryBody, headers: [("grpc-accept-encoding", "gzip")], cancellationToken: Ct);

        Assert.Equal(("0", "gzip"), (compressed.GrpcStatus, compressed.GrpcEncoding));
        Assert.Equal(1, compressed.Body[0]);
        Assert.True(compressed.Body.Length < large.Message.Length / 4, $"{compressed.Body.Length} bytes on the wire");
        Assert.Equal("0", small.GrpcStatus);
        Assert.Equal(0, small.Body[0]);
        Assert.Equal("ok", EchoReply.Parser.ParseFrom(small.Body.AsSpan(5)).Message);
    }

    [Theory]
    [InlineData(new byte[] { 0, 0, 0, 0, 10, 1, 2, 3 })]
    [InlineData(new byte[] { 0, 0, 0 })]
    [InlineData(new byte[] { 0, 0, 0, 0, 3, 0xff, 0xff, 0xff })]
    [InlineData(new byte[] { 7, 0, 0, 0, 1, 8 })]
    public async Task TruncatedOrInvalidMessage_IsAGrpcError(byte[] body)
    {
        var response = await _raw.SendAsync(Unary, body, cancellationToken: Ct);

        Assert.Equal(HttpStatusCode.OK, response.HttpStatus);
        Assert.NotNull(response.GrpcStatus);
        Assert.NotEqual("0", response.GrpcStatus);
    }

    [Fact]
    public async Task ThousandsOfRandomRequests_AllGetAProperAnswer_AndTheServerStillServes()
    {
        const int requests = 2000;
        var random = new Random(20261123);
        var cases = Enumerable.Range(0, requests).Select(_ => RandomRequest(random)).ToList();
        var stopwatch = Stopwatch.StartNew();
        var failures = new List<string>();

        await Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = Ct }, async (request, ct) =>
        {
            using var perRequest = CancellationTokenSource.CreateLinkedTokenSource(ct);
            perRequest.CancelAfter(TimeSpan.FromSeconds(10));
            string? failure;
            try
            {
                var response = await _raw.SendAsync(request.Path, request.Body, request.ContentType, request.Headers, request.Method, perRequest.Token);
                var proper = response.HttpStatus == HttpStatusCode.OK ? response.GrpcStatus is not null : (int)response.HttpStatus is >= 400 and < 500;
                failure = proper ? null : $"{request}: HTTP {(int)response.HttpStatus}, grpc-status {response.GrpcStatus ?? "missing"}";
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                failure = $"{request}: no answer within 10 s";
            }

            if (failure is not null)
            {
                lock (failures)
                {
                    failures.Add(failure);
                }
            }
        });

        Assert.Empty(failures);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(60), $"Took {stopwatch.Elapsed}.");
        using var clients = InteropClients.For(shared.Server.Address);
        var reply = await clients.Client.UnaryAsync(new EchoRequest { Message = "still serving" }, cancellationToken: Ct);
        Assert.Equal("still serving", reply.Message);
    }

    public sealed record FuzzRequest(string Path, byte[] Body, string ContentType, (string Name, string Value)[] Headers, HttpMethod Method)
    {
        public override string ToString() =>
            $"{Method} {Path} ({ContentType}, {Body.Length} bytes, headers [{string.Join(", ", Headers.Select(h => $"{h.Name}: {h.Value}"))}])";
    }

    private static FuzzRequest RandomRequest(Random random)
    {
        string[] paths =
        [
            Unary, Unary, "/ecommerce.testing.v1.Interop/ServerStream", "/ecommerce.testing.v1.Interop/ClientStream",
            "/ecommerce.testing.v1.Interop/Bidi", "/ecommerce.testing.v1.Interop/Crash", "/ecommerce.testing.v1.Interop/Nope",
            "/grpc.health.v1.Health/Check", "/", "/x/y/z",
        ];
        string[] contentTypes = ["application/grpc", "application/grpc", "application/grpc", "application/grpc+proto", "text/plain", "application/grpc-web"];
        (string, string)[] optionalHeaders =
        [
            ("grpc-encoding", "gzip"), ("grpc-encoding", "deflate"), ("grpc-encoding", "bogus"), ("grpc-timeout", "1S"),
            ("grpc-timeout", "garbage"), ("grpc-timeout", "99999999999H"), ("grpc-accept-encoding", "gzip"), ("x-custom-bin", "!!notbase64"),
        ];

        var headers = optionalHeaders.Where(_ => random.Next(4) == 0).ToArray();
        var method = random.Next(20) == 0 ? HttpMethod.Get : HttpMethod.Post;
        return new FuzzRequest(paths[random.Next(paths.Length)], RandomBody(random), contentTypes[random.Next(contentTypes.Length)], headers, method);
    }

    private static byte[] RandomBody(Random random)
    {
        var message = new byte[random.Next(0, 200)];
        random.NextBytes(message);
        return random.Next(6) switch
        {
            0 => message,
            1 => RawGrpcClient.Frame(message, compressed: random.Next(2) == 0),
            2 => RawGrpcClient.Frame(message)[..random.Next(0, message.Length + 5)],
            3 => RawGrpcClient.Frame(message, declaredLength: random.Next()),
            4 => [.. RawGrpcClient.Frame(message), .. RawGrpcClient.Frame(message), .. message.Take(3)],
            _ => RawGrpcClient.Frame(new EchoRequest { Message = "valid", Payload = ByteString.CopyFrom(message) }.ToByteArray()),
        };
    }

    public void Dispose() => _raw.Dispose();
}
