using System.Buffers.Binary;
using ECommerce.Grpc.Benchmarks.Contract;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace ECommerce.Grpc.Benchmarks;

/// <summary>
/// The request and response every server sees and returns. The grpc-js and grpcio servers
/// read them from the files <see cref="FixturesCommand"/> writes, so all four targets answer
/// with the same bytes.
/// </summary>
public static class Fixtures
{
    public const string MethodPath = "/ecommerce.bench.v1.ProductBench/GetProduct";

    public static GetProductRequest Request { get; } = new() { ProductId = "prod-0042" };

    public static Product Product { get; } = new()
    {
        Id = "prod-0042",
        Name = "Vintage typewriter",
        Description = "Mechanical typewriter in working order, new ribbon.",
        Price = new Money { CurrencyCode = "EUR", Units = 67, Nanos = 990_000_000 },
        Stock = 12,
        Categories = { "office", "vintage" },
    };

    /// <summary>A message in gRPC's length-prefixed framing: uncompressed flag, 4-byte big-endian length, payload.</summary>
    public static byte[] Frame(IMessage message)
    {
        var payload = message.ToByteArray();
        var frame = new byte[5 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(frame.AsSpan(5));
        return frame;
    }
}

/// <summary>
/// <c>fixtures --out DIR</c>: writes bench.desc (a FileDescriptorSet the grpc-js and grpcio
/// servers build their messages from), product.bin (the response message) and request.grpc
/// (the framed request body h2load sends).
/// </summary>
public static class FixturesCommand
{
    public static async Task<int> RunAsync(CommandLine options)
    {
        var directory = Directory.CreateDirectory(options.Text("out")).FullName;
        var descriptors = new FileDescriptorSet
        {
            File = { FileDescriptorProto.Parser.ParseFrom(BenchReflection.Descriptor.SerializedData) },
        };
        await File.WriteAllBytesAsync(Path.Combine(directory, "bench.desc"), descriptors.ToByteArray());
        await File.WriteAllBytesAsync(Path.Combine(directory, "product.bin"), Fixtures.Product.ToByteArray());
        await File.WriteAllBytesAsync(Path.Combine(directory, "request.grpc"), Fixtures.Frame(Fixtures.Request));
        Console.WriteLine($"fixtures: wrote {directory} (response {Fixtures.Product.CalculateSize()} bytes)");
        return 0;
    }
}
