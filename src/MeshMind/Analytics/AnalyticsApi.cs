using MeshMind.Infrastructure;
using MeshMind.Mesh.Peers;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MeshMind.Analytics;

/// <summary>
/// <c>/api/analytics/{perf,chat,files,engagement,network}?range=1h|6h|24h|7d|30d</c> (seed §8; session or API key).
/// Ranges up to 24 hours read minute buckets, longer ones hour buckets; every series has one point per bucket.
/// </summary>
internal static class AnalyticsApi
{
    public static IEndpointRouteBuilder MapAnalyticsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/analytics");
        group.MapGet("/perf", (string? range, HttpContext c, AnalyticsHistory h, TimeProvider t) => Serve(range, c, h, t, Perf))
            .Produces<PerfResponse>().ProducesErrors(400);
        group.MapGet("/chat", (string? range, HttpContext c, AnalyticsHistory h, TimeProvider t) => Serve(range, c, h, t, Chat))
            .Produces<ChatAnalyticsResponse>().ProducesErrors(400);
        group.MapGet("/files", (string? range, HttpContext c, AnalyticsHistory h, TimeProvider t) => Serve(range, c, h, t, Files))
            .Produces<FilesAnalyticsResponse>().ProducesErrors(400);
        group.MapGet("/engagement", (string? range, HttpContext c, AnalyticsHistory h, TimeProvider t) => Serve(range, c, h, t, Engagement))
            .Produces<EngagementResponse>().ProducesErrors(400);
        group.MapGet("/network", (string? range, HttpContext c, AnalyticsHistory h, TimeProvider t, PeerDirectory p) =>
            Serve(range, c, h, t, (w, rows) => Network(w, rows, p)))
            .Produces<NetworkAnalyticsResponse>().ProducesErrors(400);
        return endpoints;
    }

    // range: 1h, 6h, 24h (when absent), 7d or 30d; a parameter rather than read from the query so the API document names it.
    private static async Task<IResult> Serve(string? range, HttpContext context, AnalyticsHistory history, TimeProvider time,
        Func<Window, IReadOnlyList<AnalyticsRow>, IResult> build)
    {
        if (Window.Parse(string.IsNullOrEmpty(range) ? "24h" : range, time.GetUtcNow()) is not { } window)
        {
            return ApiResults.Error(StatusCodes.Status400BadRequest, $"range must be one of {string.Join(", ", Window.Names)}");
        }

        // Engagement's per-day series reaches back to the start of the first day.
        var from = Math.Min(window.From, window.From / 86_400 * 86_400);
        var rows = await history.ReadAsync(window.Resolution, from, window.To, context.RequestAborted);
        return build(window, rows);
    }

    private static JsonHttpResult<PerfResponse> Perf(Window w, IReadOnlyList<AnalyticsRow> rows)
    {
        rows = w.Within(rows);
        var routes = Group(rows, Kinds.Http)
            .Select(g => new RouteStats(g.Key, g.Value.Count, g.Value.Errors, g.Value.ClientErrors, g.Tally.Stats(), g.Value.BytesIn, g.Value.BytesOut))
            .OrderByDescending(r => r.Count).ThenBy(r => r.Route, StringComparer.Ordinal).ToList();
        var calls = Group(rows, Kinds.Call)
            .Select(g => (Parts: g.Key.Split(' ', 2), g.Value, g.Tally))
            .Select(g => new CallStats(g.Parts[0], g.Parts.Length > 1 ? g.Parts[1] : "", g.Value.Count, g.Value.Errors, g.Value.ClientErrors, g.Tally.Stats(), g.Value.BytesIn, g.Value.BytesOut))
            .OrderByDescending(c => c.Count).ToList();
        var overTime = w.Series(rows.Where(r => r.Kind == Kinds.Http), (t, bucket) =>
        {
            var stats = Tally.From(bucket.Select(r => r.Data)).Stats();
            return new LatencyPoint(t, stats.Count, stats.P50, stats.P95, stats.P99);
        });
        return TypedResults.Json(new PerfResponse(w.Name, w.FromMs, w.ToMs, w.BucketSeconds, routes, calls, overTime), AnalyticsJsonContext.Default.PerfResponse);
    }

    private static JsonHttpResult<ChatAnalyticsResponse> Chat(Window w, IReadOnlyList<AnalyticsRow> rows)
    {
        rows = w.Within(rows);
        var total = Sum(rows, Kinds.Chat);
        var byModel = Group(rows, Kinds.ChatModel).Select(g => new ModelCount(g.Key, g.Value.Count, g.Value.Errors))
            .OrderByDescending(m => m.Count).ToList();
        var byHost = Group(rows, Kinds.ChatHost)
            .Select(g => (Parts: g.Key.Split('|'), g.Value.Count))
            .Select(g => new HostCount(g.Parts[0], g.Parts.Length > 1 ? g.Parts[1] : g.Parts[0], g.Parts.Length > 2 && g.Parts[^1] == "local", g.Count))
            .OrderByDescending(h => h.Count).ToList();
        var overTime = w.Series(rows.Where(r => r.Kind == Kinds.Chat), (t, bucket) =>
            new CountPoint(t, bucket.Sum(r => r.Data.Count), bucket.Sum(r => r.Data.Errors)));
        var reasons = Group(rows, Kinds.ChatError).Select(g => new ReasonCount(g.Key, g.Value.Count)).OrderByDescending(r => r.Count).ToList();
        return TypedResults.Json(new ChatAnalyticsResponse(w.Name, w.FromMs, w.ToMs, w.BucketSeconds, total.Count, total.Errors,
                Sum(rows, Kinds.ChatFailover).Count, byModel, byHost, overTime,
                Tally.From(Of(rows, Kinds.ChatTtft)).Stats(), Tally.From(Of(rows, Kinds.ChatRate)).Stats(), reasons),
            AnalyticsJsonContext.Default.ChatAnalyticsResponse);
    }

    private static JsonHttpResult<FilesAnalyticsResponse> Files(Window w, IReadOnlyList<AnalyticsRow> rows)
    {
        rows = w.Within(rows);
        var uploads = Sum(rows, Kinds.FileUpload);
        var downloads = Sum(rows, Kinds.FileDownload);
        var proxied = Sum(rows, Kinds.FileProxied);
        var served = Sum(rows, Kinds.FileServed);
        var byNode = rows.Where(r => r.Kind is Kinds.FileProxied or Kinds.FileServed)
            .GroupBy(r => r.Key.Split('|')[0], StringComparer.Ordinal)
            .Select(g => new NodeFileBytes(g.Key, g.Select(r => r.Key.Split('|', 2) is [_, var name] ? name : g.Key).Last(),
                g.Where(r => r.Kind == Kinds.FileProxied).Sum(r => r.Data.BytesIn), g.Where(r => r.Kind == Kinds.FileServed).Sum(r => r.Data.BytesOut)))
            .OrderByDescending(n => n.ProxiedBytes + n.ServedBytes).ToList();
        var overTime = w.Series(rows.Where(r => r.Kind is Kinds.FileUpload or Kinds.FileDownload or Kinds.FileProxied), (t, bucket) =>
        {
            var up = bucket.Where(r => r.Kind == Kinds.FileUpload).ToList();
            var down = bucket.Where(r => r.Kind == Kinds.FileDownload).ToList();
            return new FilesPoint(t, up.Sum(r => r.Data.Count), up.Sum(r => r.Data.BytesIn), down.Sum(r => r.Data.Count), down.Sum(r => r.Data.BytesOut),
                bucket.Where(r => r.Kind == Kinds.FileProxied).Sum(r => r.Data.BytesIn));
        });
        return TypedResults.Json(new FilesAnalyticsResponse(w.Name, w.FromMs, w.ToMs, w.BucketSeconds,
                new CountBytes(uploads.Count, uploads.BytesIn), new CountBytes(downloads.Count, downloads.BytesOut),
                new CountBytes(proxied.Count, proxied.BytesIn), new CountBytes(served.Count, served.BytesOut), byNode, overTime),
            AnalyticsJsonContext.Default.FilesAnalyticsResponse);
    }

    private static JsonHttpResult<EngagementResponse> Engagement(Window w, IReadOnlyList<AnalyticsRow> rows)
    {
        var messages = rows.Where(r => r.Kind == Kinds.Message).ToList();
        var inRange = w.Within(rows);
        var logins = Group(inRange, Kinds.Login).ToDictionary(g => g.Key, g => g.Value.Count);
        var hourly = new Window(w.Name, w.From / 3600 * 3600, w.To, 3600, w.Resolution);
        var daily = new Window(w.Name, w.From / 86_400 * 86_400, (w.To + 86_399) / 86_400 * 86_400, 86_400, w.Resolution);
        TimeCount Count(long t, IReadOnlyList<AnalyticsRow> bucket) => new(t, bucket.Sum(r => r.Data.Count));
        return TypedResults.Json(new EngagementResponse(w.Name, w.FromMs, w.ToMs, w.BucketSeconds,
                Sum(inRange, Kinds.Message).Count,
                inRange.Where(r => r.Kind == Kinds.Conversation).Select(r => r.Key).Distinct(StringComparer.Ordinal).Count(),
                logins.GetValueOrDefault("ok"), logins.GetValueOrDefault("failed"),
                hourly.Series(hourly.Within(messages), Count), daily.Series(daily.Within(messages), Count)),
            AnalyticsJsonContext.Default.EngagementResponse);
    }

    private static JsonHttpResult<NetworkAnalyticsResponse> Network(Window w, IReadOnlyList<AnalyticsRow> rows, PeerDirectory peers)
    {
        rows = w.Within(rows);
        var peersOverTime = w.Series(rows.Where(r => r.Kind == Kinds.Peers), (t, bucket) =>
            new PeersPoint(t, bucket.Count == 0 ? 0 : (long)bucket.Max(r => r.Data.Max)));
        var rtts = Group(rows, Kinds.Rtt)
            .Select(g => (Parts: g.Key.Split('|', 2), g.Tally))
            .Select(g => new LinkRtt(g.Parts[0], peers.Find(g.Parts[0])?.Name ?? (g.Parts.Length > 1 ? g.Parts[1] : g.Parts[0]), g.Tally.Stats()))
            .OrderBy(l => l.Name, StringComparer.Ordinal).ToList();
        var discovery = Group(rows, Kinds.Discovery).ToDictionary(g => g.Key, g => g.Value.Count, StringComparer.Ordinal);
        var dropped = discovery.Where(d => d.Key.StartsWith("dropped:", StringComparison.Ordinal))
            .Select(d => new ReasonCount(d.Key["dropped:".Length..], d.Value)).OrderByDescending(d => d.Count).ToList();
        var channels = new[] { "discovery", "links", "proxy" };
        var bytes = channels.Select(c =>
        {
            var sum = Sum(rows.Where(r => r.Key == c).ToList(), Kinds.Bytes);
            return new ChannelBytes(c, sum.BytesIn, sum.BytesOut);
        }).ToList();
        var bytesOverTime = w.Series(rows.Where(r => r.Kind == Kinds.Bytes), (t, bucket) =>
        {
            long Of(string channel) => bucket.Where(r => r.Key == channel).Sum(r => r.Data.BytesIn + r.Data.BytesOut);
            return new BytesPoint(t, Of("discovery"), Of("links"), Of("proxy"));
        });
        var snapshot = peers.Snapshot();
        return TypedResults.Json(new NetworkAnalyticsResponse(w.Name, w.FromMs, w.ToMs, w.BucketSeconds,
                snapshot.Count(p => p.Online && !p.Revoked), peers.LinkedCount, peersOverTime, rtts,
                new DiscoveryTotals(discovery.GetValueOrDefault("sent"), discovery.GetValueOrDefault("received"), dropped), bytes, bytesOverTime),
            AnalyticsJsonContext.Default.NetworkAnalyticsResponse);
    }

    private static IEnumerable<TallyData> Of(IEnumerable<AnalyticsRow> rows, string kind) => rows.Where(r => r.Kind == kind).Select(r => r.Data);

    private static TallyData Sum(IReadOnlyList<AnalyticsRow> rows, string kind) => Tally.From(Of(rows, kind)).Snapshot();

    private static IEnumerable<(string Key, TallyData Value, Tally Tally)> Group(IEnumerable<AnalyticsRow> rows, string kind) =>
        rows.Where(r => r.Kind == kind)
            .GroupBy(r => r.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var tally = Tally.From(g.Select(r => r.Data));
                return (g.Key, tally.Snapshot(), tally);
            });

    /// <summary>A query's time window: [From, To) in unix seconds, cut into buckets of <see cref="BucketSeconds"/>.</summary>
    internal sealed record Window(string Name, long From, long To, int BucketSeconds, int Resolution)
    {
        public static readonly string[] Names = ["1h", "6h", "24h", "7d", "30d"];

        public long FromMs => From * 1000;

        public long ToMs => To * 1000;

        public static Window? Parse(string range, DateTimeOffset now)
        {
            var (seconds, bucket) = range switch
            {
                "1h" => (3600, 60),
                "6h" => (6 * 3600, 300),
                "24h" => (24 * 3600, 900),
                "7d" => (7 * 86_400, 3600),
                "30d" => (30 * 86_400, 14_400),
                _ => (0, 0),
            };
            if (seconds == 0)
            {
                return null;
            }

            var to = ((now.ToUnixTimeSeconds() / bucket) + 1) * bucket;
            return new Window(range, to - seconds, to, bucket, seconds <= 24 * 3600 ? AnalyticsStore.Minute : AnalyticsStore.Hour);
        }

        public IReadOnlyList<AnalyticsRow> Within(IEnumerable<AnalyticsRow> rows) => [.. rows.Where(r => r.Start >= From && r.Start < To)];

        /// <summary>One point per bucket, oldest first, empty buckets included.</summary>
        public IReadOnlyList<T> Series<T>(IEnumerable<AnalyticsRow> rows, Func<long, IReadOnlyList<AnalyticsRow>, T> point)
        {
            var buckets = rows.Where(r => r.Start >= From && r.Start < To).ToLookup(r => (r.Start - From) / BucketSeconds);
            var count = (int)((To - From + BucketSeconds - 1) / BucketSeconds);
            var series = new T[count];
            for (var i = 0; i < count; i++)
            {
                series[i] = point((From + ((long)i * BucketSeconds)) * 1000, [.. buckets[i]]);
            }

            return series;
        }
    }
}
