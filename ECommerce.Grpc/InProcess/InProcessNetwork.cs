using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;

namespace ECommerce.Grpc.InProcess;

/// <summary>
/// Connects gRPC clients to Kestrel servers of the same process without a socket: each connection is a
/// pair of in-memory pipes carrying the same HTTP/2 bytes a TCP connection would, so calls keep every
/// behaviour of the real transport (deadlines, metadata, trailers, streaming, flow control) and none of
/// its cost in system calls. Servers listen under a name with <see cref="InProcessTransportExtensions.ListenInProcess"/>;
/// clients reach them at <c>inproc://&lt;name&gt;</c> (see <see cref="Address"/>). One instance is shared by
/// every host of the process that should reach the others, e.g. the services of the monolith.
/// </summary>
public sealed class InProcessNetwork
{
    /// <summary>The URI scheme of in-process addresses, as in <c>services__users__grpc__0=inproc://users</c>.</summary>
    public const string Scheme = "inproc";

    private static readonly PipeOptions ConnectionPipeOptions = new(useSynchronizationContext: false);

    private readonly ConcurrentDictionary<string, Listener> _listeners = new(StringComparer.Ordinal);
    private long _lastConnectionId;

    /// <summary>The address clients use to reach the server listening as <paramref name="name"/>.</summary>
    public static Uri Address(string name) => new($"{Scheme}://{name}");

    /// <summary>Opens a connection to the server listening as <paramref name="name"/>; the stream is the client's end.</summary>
    /// <exception cref="IOException">No server listens under that name (like "connection refused").</exception>
    public Stream Connect(string name)
    {
        if (!_listeners.TryGetValue(name, out var listener))
        {
            throw new IOException($"No in-process server listens as '{name}' (it has not started, or has stopped).");
        }
        var toServer = new Pipe(ConnectionPipeOptions);
        var toClient = new Pipe(ConnectionPipeOptions);
        var id = $"inproc-{name}-{Interlocked.Increment(ref _lastConnectionId)}";
        var connection = new InProcessConnection(id, listener.EndPoint,
            transport: new DuplexPipe(toServer.Reader, toClient.Writer),
            application: new DuplexPipe(toClient.Reader, toServer.Writer));
        if (!listener.Offer(connection))
        {
            throw new IOException($"The in-process server '{name}' is stopping and accepts no connection.");
        }
        return new InProcessClientStream(toClient.Reader, toServer.Writer);
    }

    internal IConnectionListener Bind(InProcessEndPoint endPoint)
    {
        var listener = new Listener(this, endPoint);
        if (!_listeners.TryAdd(endPoint.Name, listener))
        {
            throw new AddressInUseException($"An in-process server already listens as '{endPoint.Name}'.");
        }
        return listener;
    }

    private sealed record DuplexPipe(PipeReader Input, PipeWriter Output) : IDuplexPipe;

    /// <summary>Kestrel's side of one name: hands it each connection a client opens.</summary>
    private sealed class Listener(InProcessNetwork network, InProcessEndPoint endPoint) : IConnectionListener
    {
        private readonly System.Threading.Channels.Channel<InProcessConnection> _pending =
            System.Threading.Channels.Channel.CreateUnbounded<InProcessConnection>(new() { SingleReader = false, SingleWriter = false });

        public EndPoint EndPoint => endPoint;

        public bool Offer(InProcessConnection connection) => _pending.Writer.TryWrite(connection);

        public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
        {
            // Null tells Kestrel the listener was unbound and its accept loop should end.
            return await _pending.Reader.WaitToReadAsync(cancellationToken) && _pending.Reader.TryRead(out var connection)
                ? connection
                : null;
        }

        public ValueTask UnbindAsync(CancellationToken cancellationToken = default)
        {
            // New clients are refused at once; connections already accepted are closed by Kestrel as it stops.
            network._listeners.TryRemove(new KeyValuePair<string, Listener>(endPoint.Name, this));
            _pending.Writer.TryComplete();
            return ValueTask.CompletedTask;
        }

        public async ValueTask DisposeAsync()
        {
            await UnbindAsync();
            while (_pending.Reader.TryRead(out var unaccepted))
            {
                unaccepted.Abort(new ConnectionAbortedException("The in-process server stopped before accepting the connection."));
                await unaccepted.DisposeAsync();
            }
        }
    }
}

/// <summary>Where an in-process server listens: a name, unique within its <see cref="InProcessNetwork"/>.</summary>
public sealed class InProcessEndPoint(string name) : EndPoint
{
    public string Name { get; } = name;

    /// <summary>Neither IP nor Unix: Kestrel's connection metrics read this for every connection.</summary>
    public override AddressFamily AddressFamily => AddressFamily.Unspecified;

    /// <summary>Kestrel shows endpoints as <c>http://{EndPoint}</c>, so this reads http://inproc.users.</summary>
    public override string ToString() => $"{InProcessNetwork.Scheme}.{Name}";
}
