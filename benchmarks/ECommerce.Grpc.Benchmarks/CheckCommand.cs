using System.Diagnostics;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace ECommerce.Grpc.Benchmarks;

/// <summary>
/// <c>check --target URL [--wait-seconds 30]</c>: waits for a server to answer, then makes one
/// real gRPC call and fails unless it ends with grpc-status 0 and exactly the fixture's bytes.
/// h2load only looks at the HTTP status, so the script runs this against every target first.
/// </summary>
public static class CheckCommand
{
    private static readonly Marshaller<byte[]> Raw = Marshallers.Create(bytes => bytes, bytes => bytes);

    private static readonly Method<byte[], byte[]> GetProduct = new(
        MethodType.Unary, "ecommerce.bench.v1.ProductBench", "GetProduct", Raw, Raw);

    public static async Task<int> RunAsync(CommandLine options)
    {
        var target = options.Text("target");
        var wait = TimeSpan.FromSeconds(options.Integer("wait-seconds", 30));
        using var channel = GrpcChannel.ForAddress(target);
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            try
            {
                var response = await channel.CreateCallInvoker()
                    .AsyncUnaryCall(GetProduct, host: null, new CallOptions(), Fixtures.Request.ToByteArray());
                var expected = Fixtures.Product.ToByteArray();
                if (!response.AsSpan().SequenceEqual(expected))
                {
                    Console.Error.WriteLine($"check: {target} answered grpc-status 0 with {response.Length} bytes that differ from the {expected.Length}-byte fixture");
                    return 1;
                }
                Console.WriteLine($"check: {target} answered grpc-status 0 with the {response.Length}-byte fixture");
                return 0;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable && Stopwatch.GetElapsedTime(started) < wait)
            {
                await Task.Delay(200);
            }
            catch (RpcException e)
            {
                Console.Error.WriteLine($"check: {target} answered {e.StatusCode}: {e.Status.Detail}");
                return 1;
            }
        }
    }
}
