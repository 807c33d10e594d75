using System.Buffers;
using System.IO.Pipelines;

namespace ECommerce.Grpc.InProcess;

/// <summary>
/// The client's end of an in-process connection, as the Stream SocketsHttpHandler's ConnectCallback
/// returns. Pipe errors surface as IOException, as a broken socket's would, which HttpClient (and so
/// gRPC) reports as an unavailable connection.
/// </summary>
internal sealed class InProcessClientStream(PipeReader fromServer, PipeWriter toServer) : Stream
{
    private int _disposed;

    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            while (true)
            {
                var result = await fromServer.ReadAsync(cancellationToken);
                var available = result.Buffer;
                if (!available.IsEmpty)
                {
                    var count = (int)Math.Min(available.Length, buffer.Length);
                    available.Slice(0, count).CopyTo(buffer.Span);
                    fromServer.AdvanceTo(available.GetPosition(count));
                    return count;
                }
                fromServer.AdvanceTo(available.Start, available.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    return 0;
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException and not IOException)
        {
            throw new IOException($"The in-process connection broke: {e.Message}", e);
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        FlushResult result;
        try
        {
            result = await toServer.WriteAsync(buffer, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException and not IOException)
        {
            throw new IOException($"The in-process connection broke: {e.Message}", e);
        }
        if (result.IsCompleted)
        {
            throw new IOException("The in-process server closed the connection.");
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

    // Every write is flushed as it is made.
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public override void Flush() { }

    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>Closing the client's end is what closing a socket is to the server: its reads end.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            toServer.Complete();
            fromServer.Complete();
        }
        base.Dispose(disposing);
    }
}
