using ECommerce.AppHost.Telemetry.Otlp;
using OtlpMetric = ECommerce.AppHost.Telemetry.Otlp.Metric;

namespace ECommerce.AppHost.Telemetry;

/// <summary>
/// The metrics the services sent over OTLP: for every service, instrument, instance and attribute set
/// (a series), its last exported points, in memory. Sums and gauges keep their value; histograms their
/// count, sum and bucket counts, so that a rate and percentiles can be worked out between two exports.
/// Cumulative points (what the .NET exporter sends by default) are turned into deltas between
/// consecutive points of a series; a point whose start time changed or whose count fell (a restarted
/// process) counts from its own start. Delta points are used as they are.
/// </summary>
internal sealed class MetricsStore
{
    /// <summary>Points older than this are dropped, and so are series that sent nothing for as long.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromMinutes(15);

    /// <summary>Per series: 15 minutes of exports every 4 s or slower, 4 minutes at one export a second.</summary>
    public const int PointsPerSeries = 240;

    /// <summary>Beyond this many series, the one updated least recently is dropped.</summary>
    public const int MaxSeries = 2_000;

    private const int Unspecified = 0;
    private const int DeltaTemporality = 1;
    private const int CumulativeTemporality = 2;

    /// <summary>The AppHost probes every service every few seconds; those requests are left out, as in the logs.</summary>
    private const string HealthService = "grpc.health.v1.Health";

    private readonly Dictionary<string, Series> _series = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Service, string Name), Instrument> _instruments = new();
    /// <summary>When each instance last exported each instrument: a series new since then started counting then.</summary>
    private readonly Dictionary<(string Service, string? Instance, string Name), DateTimeOffset> _lastExport = new();
    private readonly Lock _lock = new();
    private DateTimeOffset _lastSweep = DateTimeOffset.MinValue;

    public void Add(ExportMetricsServiceRequest request)
    {
        lock (_lock)
        {
            foreach (var resourceMetrics in request.ResourceMetrics)
            {
                var (service, instance) = TelemetryStore.Describe(resourceMetrics.Resource);
                foreach (var scope in resourceMetrics.ScopeMetrics)
                {
                    foreach (var metric in scope.Metrics)
                    {
                        AddMetric(service, instance, scope.Scope?.Name ?? "", metric);
                    }
                }
            }
            Sweep(DateTimeOffset.UtcNow);
        }
    }

    /// <summary>Every service that sent metrics.</summary>
    public IReadOnlyList<string> Services()
    {
        lock (_lock)
        {
            return _instruments.Keys.Select(key => key.Service).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        }
    }

    /// <summary>
    /// The instruments of a service that have series, in name order, each with its latest values: for sums and gauges the
    /// total of every series' latest value; for histograms the total count so far; and over the last
    /// minute, the rate (per second) of monotonic sums and histograms and a histogram's p50, p95 and mean.
    /// </summary>
    public IReadOnlyList<InstrumentSummary> Instruments(string service, DateTimeOffset? now = null)
    {
        var end = now ?? DateTimeOffset.UtcNow;
        lock (_lock)
        {
            var seriesByName = _series.Values.Where(series => series.Service == service && series.Points.Count > 0)
                .ToLookup(series => series.Name, StringComparer.Ordinal);
            return _instruments.Where(pair => pair.Key.Service == service)
                .Select(pair => pair.Value)
                .OrderBy(instrument => instrument.Name, StringComparer.Ordinal)
                .Select(instrument => (Instrument: instrument, Series: seriesByName[instrument.Name].ToList()))
                .Where(pair => pair.Series.Count > 0) // e.g. only health probes were measured
                .Select(pair =>
                {
                    var (instrument, series) = pair;
                    var recent = Timeline(instrument, series, end, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1)).LastOrDefault();
                    var latest = series.Select(one => one.Points[^1]).ToList();
                    double? value = instrument.IsHistogram ? latest.Sum(point => (double)point.Count) : latest.Sum(point => point.Value);
                    return new InstrumentSummary(instrument.Name, instrument.Description, instrument.Unit, instrument.Kind, instrument.Monotonic,
                        instrument.Scope, series.Count, series.Select(one => one.Instance ?? "").Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(),
                        latest.Count == 0 ? null : latest.Max(point => point.Time), value,
                        recent?.Rate, recent?.P50, recent?.P95, recent?.Mean);
                })
                .ToList();
        }
    }

    /// <summary>
    /// One instrument of a service: every series' latest point, and a timeline over the last
    /// <paramref name="window"/> in steps of <paramref name="step"/> (null when it is unknown).
    /// </summary>
    public MetricView? Metric(string service, string name, TimeSpan window, TimeSpan step, DateTimeOffset? now = null)
    {
        var end = now ?? DateTimeOffset.UtcNow;
        lock (_lock)
        {
            if (!_instruments.TryGetValue((service, name), out var instrument))
            {
                return null;
            }
            var series = SeriesOf(instrument);
            var views = series
                .OrderBy(one => one.Instance, StringComparer.Ordinal).ThenBy(one => one.Key, StringComparer.Ordinal)
                .Select(one =>
                {
                    var point = one.Points[^1];
                    return instrument.IsHistogram
                        ? new SeriesView(one.Instance, one.Attributes, point.Time, null, point.Count, point.Sum, one.Bounds, point.Buckets)
                        : new SeriesView(one.Instance, one.Attributes, point.Time, point.Value, null, null, null, null);
                })
                .ToList();
            return new MetricView(service, instrument.Name, instrument.Description, instrument.Unit, instrument.Kind, instrument.Monotonic,
                TemporalityName(instrument.Temporality), step.TotalSeconds, views, Timeline(instrument, series, end, window, step));
        }
    }

    private List<Series> SeriesOf(Instrument instrument) =>
        _series.Values.Where(series => series.Service == instrument.Service && series.Name == instrument.Name && series.Points.Count > 0).ToList();

    private void AddMetric(string service, string? instance, string scope, OtlpMetric metric)
    {
        var (kind, temporality, monotonic) = metric.DataCase switch
        {
            OtlpMetric.DataOneofCase.Gauge => ("Gauge", Unspecified, false),
            OtlpMetric.DataOneofCase.Sum => ("Sum", metric.Sum.AggregationTemporality, metric.Sum.IsMonotonic),
            OtlpMetric.DataOneofCase.Histogram => ("Histogram", metric.Histogram.AggregationTemporality, false),
            OtlpMetric.DataOneofCase.ExponentialHistogram => ("ExponentialHistogram", metric.ExponentialHistogram.AggregationTemporality, false),
            _ => (null, Unspecified, false),
        };
        if (kind is null || string.IsNullOrEmpty(metric.Name))
        {
            return;
        }
        var instrument = new Instrument(service, metric.Name, metric.Description, metric.Unit, kind, monotonic, temporality, scope);
        _instruments[(service, metric.Name)] = instrument;

        var exportKey = (service, instance, metric.Name);
        var previousExport = _lastExport.TryGetValue(exportKey, out var seen) ? seen : (DateTimeOffset?)null;
        var latest = previousExport;
        switch (metric.DataCase)
        {
            case OtlpMetric.DataOneofCase.Gauge:
                foreach (var point in metric.Gauge.DataPoints)
                {
                    latest = Later(latest, AddNumber(instrument, instance, point, previousExport));
                }
                break;
            case OtlpMetric.DataOneofCase.Sum:
                foreach (var point in metric.Sum.DataPoints)
                {
                    latest = Later(latest, AddNumber(instrument, instance, point, previousExport));
                }
                break;
            case OtlpMetric.DataOneofCase.Histogram:
                foreach (var point in metric.Histogram.DataPoints)
                {
                    var attributes = TelemetryStore.Flatten(point.Attributes);
                    if (IsHealthProbe(attributes))
                    {
                        continue;
                    }
                    var time = TelemetryStore.Time(point.TimeUnixNano);
                    var series = SeriesFor(instrument, instance, attributes, previousExport);
                    series.Bounds = [.. point.ExplicitBounds];
                    series.Append(new Point(StartOf(point.StartTimeUnixNano), time, 0, point.Count, point.HasSum ? point.Sum : 0, [.. point.BucketCounts]));
                    latest = Later(latest, time);
                }
                break;
            case OtlpMetric.DataOneofCase.ExponentialHistogram:
                foreach (var point in metric.ExponentialHistogram.DataPoints)
                {
                    var attributes = TelemetryStore.Flatten(point.Attributes);
                    var time = TelemetryStore.Time(point.TimeUnixNano);
                    var series = SeriesFor(instrument, instance, attributes, previousExport);
                    series.Append(new Point(StartOf(point.StartTimeUnixNano), time, 0, point.Count, point.HasSum ? point.Sum : 0, []));
                    latest = Later(latest, time);
                }
                break;
        }
        if (latest is { } last)
        {
            _lastExport[exportKey] = last;
        }
    }

    private DateTimeOffset? AddNumber(Instrument instrument, string? instance, NumberDataPoint point, DateTimeOffset? previousExport)
    {
        var attributes = TelemetryStore.Flatten(point.Attributes);
        if (IsHealthProbe(attributes))
        {
            return null;
        }
        var value = point.ValueCase == NumberDataPoint.ValueOneofCase.AsInt ? point.AsInt : point.AsDouble;
        var time = TelemetryStore.Time(point.TimeUnixNano);
        SeriesFor(instrument, instance, attributes, previousExport).Append(new Point(StartOf(point.StartTimeUnixNano), time, value, 0, 0, []));
        return time;
    }

    private Series SeriesFor(Instrument instrument, string? instance, Dictionary<string, string> attributes, DateTimeOffset? previousExport)
    {
        var key = string.Join('\u001f', new[] { instrument.Service, instance ?? "", instrument.Name }
            .Concat(attributes.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => $"{pair.Key}={pair.Value}")));
        if (!_series.TryGetValue(key, out var series))
        {
            if (_series.Count >= MaxSeries)
            {
                _series.Remove(_series.Values.MinBy(one => one.Updated)!.Key);
            }
            // Absent from the instance's previous export of this instrument: nothing was measured before it.
            series = new Series(key, instrument.Service, instance, instrument.Name, attributes, previousExport);
            _series.Add(key, series);
        }
        series.Updated = DateTimeOffset.UtcNow;
        return series;
    }

    private void Sweep(DateTimeOffset now)
    {
        if (now - _lastSweep < TimeSpan.FromSeconds(30))
        {
            return;
        }
        _lastSweep = now;
        var horizon = now - Retention;
        foreach (var stale in _series.Values.Where(series => series.Updated < horizon).ToList())
        {
            _series.Remove(stale.Key);
        }
        foreach (var series in _series.Values)
        {
            series.DropBefore(horizon);
        }
        var live = _series.Values.Select(series => (series.Service, series.Name)).ToHashSet();
        foreach (var gone in _instruments.Keys.Where(key => !live.Contains(key)).ToList())
        {
            _instruments.Remove(gone);
        }
        foreach (var gone in _lastExport.Where(pair => pair.Value < horizon).Select(pair => pair.Key).ToList())
        {
            _lastExport.Remove(gone);
        }
    }

    /// <summary>
    /// Bins of <paramref name="step"/> ending now. Each delta (what a series counted between two of its
    /// points) is spread over the bins its interval overlaps, in proportion; a bin's rate is the sum over
    /// series of what fell in it divided by how much of the bin that series' intervals covered, so a bin
    /// the exports have not reached yet has no rate rather than a low one.
    /// </summary>
    private static List<MetricBin> Timeline(Instrument instrument, List<Series> series, DateTimeOffset end, TimeSpan window, TimeSpan step)
    {
        var bins = (int)Math.Ceiling(window / step);
        var first = end - step * bins;
        var rates = new double[bins];
        var rated = new bool[bins];
        var counts = new double[bins];
        var sums = new double[bins];
        var values = new double?[bins];
        var bounds = instrument.IsHistogram
            ? series.Where(one => one.Bounds.Length > 0).MaxBy(one => one.Points[^1].Count)?.Bounds ?? []
            : [];
        var buckets = Enumerable.Range(0, bins).Select(_ => new double[bounds.Length + 1]).ToArray();

        foreach (var one in series)
        {
            if (instrument.IsHistogram || instrument.Monotonic)
            {
                var amount = new double[bins];
                var covered = new double[bins];
                var sameBounds = one.Bounds.AsSpan().SequenceEqual(bounds);
                foreach (var delta in one.Deltas(instrument))
                {
                    if (delta.End <= first || delta.Start >= end)
                    {
                        continue;
                    }
                    var length = (delta.End - delta.Start).TotalSeconds;
                    var from = Math.Max(0, (int)Math.Floor((delta.Start - first) / step));
                    var to = Math.Min(bins - 1, (int)Math.Floor((delta.End - first) / step));
                    for (var bin = from; bin <= to; bin++)
                    {
                        var binStart = first + step * bin;
                        var overlap = (Min(delta.End, binStart + step) - Max(delta.Start, binStart)).TotalSeconds;
                        if (overlap <= 0)
                        {
                            continue;
                        }
                        var share = overlap / length;
                        covered[bin] += overlap;
                        amount[bin] += delta.Amount * share;
                        if (instrument.IsHistogram)
                        {
                            counts[bin] += delta.Amount * share;
                            sums[bin] += delta.Sum * share;
                            if (sameBounds && delta.Buckets.Length == bounds.Length + 1)
                            {
                                for (var i = 0; i < delta.Buckets.Length; i++)
                                {
                                    buckets[bin][i] += delta.Buckets[i] * share;
                                }
                            }
                        }
                    }
                }
                for (var bin = 0; bin < bins; bin++)
                {
                    if (covered[bin] > 0)
                    {
                        rates[bin] += amount[bin] / covered[bin];
                        rated[bin] = true;
                    }
                }
            }
            else
            {
                // A gauge or up-down sum: each series' last value in or before the bin, up to its last point.
                var last = one.Points[^1].Time;
                for (var bin = 0; bin < bins; bin++)
                {
                    var binStart = first + step * bin;
                    var binEnd = binStart + step;
                    if (binStart > last)
                    {
                        break;
                    }
                    var point = one.Points.LastOrDefault(candidate => candidate.Time <= binEnd);
                    if (point is not null)
                    {
                        values[bin] = (values[bin] ?? 0) + point.Value;
                    }
                }
            }
        }

        var timeline = new List<MetricBin>(bins);
        for (var bin = 0; bin < bins; bin++)
        {
            var time = first + step * (bin + 1);
            if (instrument.IsHistogram)
            {
                timeline.Add(new MetricBin(time, null, rated[bin] ? rates[bin] : null,
                    Quantile(0.5, bounds, buckets[bin]), Quantile(0.95, bounds, buckets[bin]), counts[bin] > 0 ? sums[bin] / counts[bin] : null));
            }
            else if (instrument.Monotonic)
            {
                timeline.Add(new MetricBin(time, null, rated[bin] ? rates[bin] : null, null, null, null));
            }
            else
            {
                timeline.Add(new MetricBin(time, values[bin], null, null, null, null));
            }
        }
        return timeline;
    }

    /// <summary>
    /// The q-quantile of bucket counts, interpolated linearly inside its bucket (as Prometheus does);
    /// in the last, unbounded bucket it is the last bound. Null without measurements or buckets.
    /// </summary>
    internal static double? Quantile(double q, double[] bounds, double[] counts)
    {
        var total = counts.Sum();
        if (bounds.Length == 0 || total <= 0)
        {
            return null;
        }
        var rank = q * total;
        var below = 0.0;
        for (var i = 0; i < counts.Length; i++)
        {
            if (counts[i] > 0 && below + counts[i] >= rank)
            {
                if (i == bounds.Length)
                {
                    return bounds[^1];
                }
                var upper = bounds[i];
                var lower = i == 0 ? Math.Min(0, upper) : bounds[i - 1];
                return lower + (upper - lower) * Math.Clamp((rank - below) / counts[i], 0, 1);
            }
            below += counts[i];
        }
        return bounds[^1];
    }

    private static bool IsHealthProbe(Dictionary<string, string> attributes) =>
        (attributes.TryGetValue("http.route", out var route) && route.StartsWith($"/{HealthService}/", StringComparison.Ordinal))
        || (attributes.TryGetValue("rpc.service", out var rpcService) && rpcService == HealthService);

    private static DateTimeOffset? StartOf(ulong unixNanoseconds) => unixNanoseconds == 0 ? null : TelemetryStore.Time(unixNanoseconds);

    private static DateTimeOffset? Later(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : Max(a.Value, b.Value);

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static string TemporalityName(int temporality) => temporality switch
    {
        DeltaTemporality => "Delta",
        CumulativeTemporality => "Cumulative",
        _ => "Unspecified",
    };

    private sealed record Instrument(string Service, string Name, string Description, string Unit, string Kind, bool Monotonic, int Temporality, string Scope)
    {
        public bool IsHistogram => Kind is "Histogram" or "ExponentialHistogram";
    }

    /// <summary>One exported point. Sums and gauges use Value; histograms Count, Sum and Buckets.</summary>
    private sealed record Point(DateTimeOffset? Start, DateTimeOffset Time, double Value, ulong Count, double Sum, ulong[] Buckets);

    /// <summary>What a series counted in (Start, End]: Amount is a histogram's count or a sum's increase.</summary>
    private readonly record struct Delta(DateTimeOffset Start, DateTimeOffset End, double Amount, double Sum, ulong[] Buckets);

    private sealed class Series(string key, string service, string? instance, string name, Dictionary<string, string> attributes, DateTimeOffset? since)
    {
        public string Key { get; } = key;
        public string Service { get; } = service;
        public string? Instance { get; } = instance;
        public string Name { get; } = name;
        public IReadOnlyDictionary<string, string> Attributes { get; } = attributes;
        public List<Point> Points { get; } = [];
        public double[] Bounds { get; set; } = [];
        public DateTimeOffset Updated { get; set; }

        /// <summary>When the series was first absent from an export of its instance: its first point counted from then on.</summary>
        private DateTimeOffset? _since = since;

        public void Append(Point point)
        {
            if (Points.Count > 0 && point.Time <= Points[^1].Time)
            {
                return; // a repeated or out-of-order export
            }
            Points.Add(point);
            if (Points.Count > PointsPerSeries)
            {
                Points.RemoveAt(0);
                _since = null;
            }
        }

        public void DropBefore(DateTimeOffset horizon)
        {
            var old = Points.FindIndex(point => point.Time >= horizon);
            var drop = old < 0 ? Points.Count - 1 : old - 1; // the newest older point stays: it starts the next delta
            if (drop > 0)
            {
                Points.RemoveRange(0, drop);
                _since = null;
            }
        }

        public IEnumerable<Delta> Deltas(Instrument instrument)
        {
            var histogram = instrument.IsHistogram;
            Point? previous = null;
            foreach (var point in Points)
            {
                var amount = histogram ? point.Count : point.Value;
                if (instrument.Temporality == DeltaTemporality)
                {
                    if ((point.Start ?? previous?.Time) is { } start && start < point.Time)
                    {
                        yield return new Delta(start, point.Time, amount, point.Sum, point.Buckets);
                    }
                }
                else if (previous is not null && previous.Start == point.Start && amount >= (histogram ? previous.Count : previous.Value)
                    && point.Buckets.Length == previous.Buckets.Length)
                {
                    var buckets = new ulong[point.Buckets.Length];
                    for (var i = 0; i < buckets.Length; i++)
                    {
                        buckets[i] = point.Buckets[i] >= previous.Buckets[i] ? point.Buckets[i] - previous.Buckets[i] : 0;
                    }
                    yield return new Delta(previous.Time, point.Time, amount - (histogram ? previous.Count : previous.Value), point.Sum - previous.Sum, buckets);
                }
                else if (previous is null || previous.Start != point.Start || amount < (histogram ? previous.Count : previous.Value))
                {
                    // The series' first point, or a restart: everything since the point's start (or since
                    // the instance's last export without this series, whichever is later).
                    var start = previous is null && _since is { } since && (point.Start is null || since > point.Start) ? since : point.Start;
                    if (start is { } from && from < point.Time)
                    {
                        yield return new Delta(from, point.Time, amount, point.Sum, point.Buckets);
                    }
                }
                previous = point;
            }
        }
    }
}

public sealed record InstrumentSummary(
    string Name,
    string Description,
    string Unit,
    string Kind,
    bool Monotonic,
    string Scope,
    int Series,
    IReadOnlyList<string> Instances,
    DateTimeOffset? Time,
    double? Value,
    double? Rate,
    double? P50,
    double? P95,
    double? Mean);

public sealed record MetricView(
    string Service,
    string Name,
    string Description,
    string Unit,
    string Kind,
    bool Monotonic,
    string Temporality,
    double StepSeconds,
    IReadOnlyList<SeriesView> Series,
    IReadOnlyList<MetricBin> Timeline);

/// <summary>A series' latest point: Value for sums and gauges; Count, Sum and the buckets for histograms.</summary>
public sealed record SeriesView(
    string? Instance,
    IReadOnlyDictionary<string, string> Attributes,
    DateTimeOffset Time,
    double? Value,
    ulong? Count,
    double? Sum,
    IReadOnlyList<double>? Bounds,
    IReadOnlyList<ulong>? BucketCounts);

/// <summary>One step of a timeline, ending at Time: Value for gauges and up-down sums; Rate (per second) for monotonic sums and histograms; P50, P95 and Mean for histograms.</summary>
public sealed record MetricBin(DateTimeOffset Time, double? Value, double? Rate, double? P50, double? P95, double? Mean);
