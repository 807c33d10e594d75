using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using ECommerce.Benchmarking;

namespace ECommerce.Load;

/// <summary>One kind of request (method and route template) in a window: how many, p50/p95/p99 of those answered 2xx, and the rest.</summary>
internal sealed record RequestFigures(string Name, int Count, double P50Ms, double P95Ms, double P99Ms, int Failed);

/// <summary>
/// Every request the shoppers send through the edge, timed from the moment it is sent to its answer: what a shopper waits
/// for after each click. An arrival's latency (<see cref="OpenLoop"/>) adds up a journey's requests (a checkout is add to
/// cart, quote, place order); these are its parts, and the capacity's p99 is over them.
/// </summary>
internal sealed partial class RequestTimings
{
    private static readonly AsyncLocal<bool> s_untimed = new();
    private readonly ConcurrentQueue<(string Name, long StartedAt, double Ms, bool Ok)> _requests = new();

    /// <summary>Requests sent inside this scope are not timed (housekeeping, not part of the traffic).</summary>
    public static IDisposable Untimed()
    {
        s_untimed.Value = true;
        return new Scope();
    }

    /// <summary>A handler, for one client, that times its requests into this collection.</summary>
    public HttpMessageHandler Wrap(HttpMessageHandler inner) => new Timer(this) { InnerHandler = inner };

    /// <summary>Per kind of request and over all of them, the requests sent since <paramref name="since"/> (a Stopwatch timestamp).</summary>
    public (IReadOnlyList<RequestFigures> Kinds, RequestFigures All) Since(long since)
    {
        var window = _requests.Where(request => request.StartedAt >= since).ToList();
        var kinds = window.GroupBy(request => request.Name).OrderBy(group => group.Key, StringComparer.Ordinal).Select(group => Figures(group.Key, group.ToList())).ToList();
        return (kinds, Figures("**all**", window));
    }

    private static RequestFigures Figures(string name, List<(string Name, long StartedAt, double Ms, bool Ok)> requests)
    {
        var answered = requests.Where(request => request.Ok).Select(request => request.Ms).Order().ToArray();
        return new RequestFigures(name, requests.Count, Measurements.Percentile(answered, 0.50), Measurements.Percentile(answered, 0.95),
            Measurements.Percentile(answered, 0.99), requests.Count - answered.Length);
    }

    /// <summary>"GET /v1/products/{id}": ids, SKUs and numbers in the path become {id}; the query goes.</summary>
    private static string Name(HttpRequestMessage request)
    {
        var path = request.RequestUri is { } uri ? (uri.IsAbsoluteUri ? uri.AbsolutePath : uri.OriginalString.Split('?')[0]) : "";
        return $"{request.Method} {IdSegment().Replace(path, "/{id}")}";
    }

    /// <summary>A path segment with a digit in it: the route's words (v1, products, carts, me, items) have none.</summary>
    [GeneratedRegex(@"/(?!v1(/|$))[^/]*\d[^/]*")]
    private static partial Regex IdSegment();

    private sealed class Scope : IDisposable
    {
        public void Dispose() => s_untimed.Value = false;
    }

    private sealed class Timer(RequestTimings timings) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (s_untimed.Value)
            {
                return await base.SendAsync(request, cancellationToken);
            }
            var started = Stopwatch.GetTimestamp();
            var ok = false;
            try
            {
                var response = await base.SendAsync(request, cancellationToken);
                ok = response.IsSuccessStatusCode;
                return response;
            }
            finally
            {
                timings._requests.Enqueue((Name(request), started, Stopwatch.GetElapsedTime(started).TotalMilliseconds, ok));
            }
        }
    }
}
