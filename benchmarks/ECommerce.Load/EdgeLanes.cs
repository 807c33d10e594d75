using System.Collections.Concurrent;
using ECommerce.Hosting.Benchmarks;

namespace ECommerce.Load;

/// <summary>
/// Connections to the REST edge for open-loop traffic. An <see cref="EdgeClients"/> client has one connection (HTTP/1.1, one
/// request at a time) and is meant for one caller at a time; an open loop has as many callers as arrivals in flight, which
/// grows when the shop slows down. So each arrival rents a lane (a client of its own, created when none is free) for its
/// requests and gives it back: requests never queue in the load generator for a connection, only in the shop.
/// </summary>
internal sealed class EdgeLanes(EdgeClients clients)
{
    private readonly EdgeClients _clients = clients;
    private readonly ConcurrentBag<int> _free = [];
    private int _created;

    /// <summary>Lanes created so far: the most arrivals that were in flight at once.</summary>
    public int Created => _created;

    public Lane Rent() => new(this, _free.TryTake(out var lane) ? lane : Interlocked.Increment(ref _created) - 1);

    /// <summary>One arrival's own client of the edge, on an address that stays under the edge's per-client rate limit.</summary>
    internal readonly struct Lane(EdgeLanes lanes, int lane) : IDisposable
    {
        /// <summary>The client for the next request (EdgeClients moves to a fresh address after 250 requests).</summary>
        public HttpClient Client => lanes._clients.For(lane);

        public void Dispose() => lanes._free.Add(lane);
    }
}
