using MeshMind.Discovery;
using MeshMind.Mesh;
using MeshMind.Mesh.Links;
using Microsoft.Extensions.Options;

namespace MeshMind.Analytics;

/// <summary>
/// The one view of analytics over time: stored buckets plus what is still in memory, read and written under one gate
/// so a query never sees a minute twice or not at all while it is being written.
/// </summary>
public sealed class AnalyticsHistory(AnalyticsRecorder recorder, AnalyticsStore store, TimeProvider time) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public void Dispose() => _gate.Dispose();

    /// <summary>Writes finished minutes (all minutes when <paramref name="all"/>, at stop) and trims old buckets.</summary>
    public async Task FlushAsync(bool all, CancellationToken cancellationToken)
    {
        // A minute is written one minute after it ended, so an event that read the clock just before the boundary is in.
        long? before = all ? null : AnalyticsRecorder.MinuteOf(time.GetUtcNow()) - 60;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var rows = recorder.Pending(before);
            await store.AddAsync(rows, cancellationToken);
            recorder.Forget(rows.Select(r => r.Start).Distinct());
            await store.TrimAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Every tally of <paramref name="resolution"/> starting in [from, to) (unix seconds), in-memory minutes included.</summary>
    public async Task<IReadOnlyList<AnalyticsRow>> ReadAsync(int resolution, long from, long to, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var stored = await store.ReadAsync(resolution, from, to, cancellationToken);
            var pending = recorder.Pending()
                .Select(r => r with { Start = r.Start / resolution * resolution })
                .Where(r => r.Start >= from && r.Start < to);
            return [.. stored, .. pending];
        }
        finally
        {
            _gate.Release();
        }
    }
}

/// <summary>
/// Every <see cref="AnalyticsOptions.FlushInterval"/>: samples the gauges (linked peers) and the counters kept elsewhere
/// (discovery, link bytes), then writes finished minutes. At stop it writes everything, so a restart keeps history.
/// </summary>
public sealed partial class AnalyticsFlusher(
    AnalyticsHistory history,
    AnalyticsRecorder recorder,
    PeerDirectory peers,
    LinkManager links,
    DiscoveryStats discovery,
    IOptions<AnalyticsOptions> options,
    TimeProvider time,
    ILogger<AnalyticsFlusher> logger) : BackgroundService
{
    private readonly Dictionary<string, long> _last = new(StringComparer.Ordinal);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        recorder.Meter.CreateObservableGauge("meshmind.peers.linked", () => peers.LinkedCount, "{peer}", "Peers with a live link");
        recorder.Meter.CreateObservableGauge("meshmind.peers.online", () => peers.Snapshot().Count(p => p.Online && !p.Revoked), "{peer}",
            "Peers heard of recently (discovery, links or peer exchange), revoked ones excluded");
        links.RoundTrip += OnRoundTrip;
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        links.RoundTrip -= OnRoundTrip;
        await base.StopAsync(cancellationToken);
        try
        {
            Sample();
            await history.FlushAsync(all: true, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFlushFailed(ex);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.FlushInterval, time);
        Sample();
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                Sample();
                await history.FlushAsync(all: false, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFlushFailed(ex);
            }
        }
    }

    private void OnRoundTrip(string nodeId, double milliseconds) =>
        recorder.Rtt(nodeId, peers.Find(nodeId)?.Name ?? nodeId[..Math.Min(12, nodeId.Length)], milliseconds);

    private void Sample()
    {
        recorder.Peers(peers.LinkedCount);
        recorder.Discovery("sent", Delta("sent", discovery.Sent));
        recorder.Discovery("received", Delta("received", discovery.Received));
        foreach (var (reason, count) in discovery.DroppedByReason())
        {
            recorder.Discovery("dropped:" + reason, Delta("dropped:" + reason, count));
        }

        recorder.ChannelBytes("discovery", Delta("discovery.in", discovery.BytesIn), Delta("discovery.out", discovery.BytesOut));
        var (linkIn, linkOut) = links.Traffic();
        recorder.ChannelBytes("links", Delta("links.in", linkIn), Delta("links.out", linkOut));
    }

    /// <summary>How much a monotonic counter grew since the last sample.</summary>
    private long Delta(string counter, long total)
    {
        var previous = _last.GetValueOrDefault(counter);
        _last[counter] = Math.Max(previous, total);
        return Math.Max(0, total - previous);
    }

    [LoggerMessage(EventId = 1100, Level = LogLevel.Warning, Message = "Could not write analytics to the database")]
    private partial void LogFlushFailed(Exception exception);
}
