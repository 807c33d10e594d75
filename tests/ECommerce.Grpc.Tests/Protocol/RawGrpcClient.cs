using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;

namespace ECommerce.Grpc.Tests.Protocol;

/// <summary>
/// Speaks gRPC's wire format by hand over HttpClient (HTTP/2 prior knowledge), so tests can send
/// what no well-behaved client would.
/// </summary>
public sealed class RawGrpcClient(Uri server) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { EnableMultipleHttp2Connections = true }) { BaseAddress = server };

    public sealed record Response(HttpStatusCode HttpStatus, string? GrpcStatus, string? GrpcEncoding, byte[] Body);

    /// <summary>A length-prefixed message: compressed flag, 4-byte big-endian length, then the bytes.</summary>
    public static byte[] Frame(ReadOnlySpan<byte> message, bool compressed = false, int? declaredLength = null)
    {
        var frame = new byte[5 + message.Length];
        frame[0] = compressed ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)(declaredLength ?? message.Length));
        message.CopyTo(frame.AsSpan(5));
        return frame;
    }

    public async Task<Response> SendAsync(
        string path, byte[] body, string contentType = "application/grpc", IEnumerable<(string Name, string Value)>? headers = null,
        HttpMethod? method = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Post, path)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.TryAddWithoutValidation("te", "trailers");
        foreach (var (name, value) in headers ?? [])
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var responseBody = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        // A trailers-only response (an error before any message) carries grpc-status in the headers.
        var grpcStatus = Header(response.TrailingHeaders, "grpc-status") ?? Header(response.Headers, "grpc-status");
        return new Response(response.StatusCode, grpcStatus, Header(response.Headers, "grpc-encoding"), responseBody);
    }

    private static string? Header(HttpHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    public void Dispose() => _http.Dispose();
}
