using Microsoft.Extensions.Options;

namespace MeshMind.Analytics;

/// <summary>
/// The one view of analytics over time: stored buckets plus what is still in memory, read and written under one gate
/// so a query never sees a minute twice or not at all while it is being written.
/// </summary>
internal sealed class AnalyticsHistory(AnalyticsRecorder recorder, AnalyticsCollector collector, AnalyticsStore store, TimeProvider time) : IDisposable
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
        collector.Sample(gauges: false);
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
/// Every <see cref="AnalyticsOptions.FlushInterval"/>: samples the observable instruments (gauges such as linked peers,
/// counters kept elsewhere such as discovery and link bytes), then writes finished minutes. At stop it writes
/// everything, so a restart keeps history.
/// </summary>
internal sealed partial class AnalyticsFlusher(
    AnalyticsHistory history,
    AnalyticsCollector collector,
    IOptions<AnalyticsOptions> options,
    TimeProvider time,
    ILogger<AnalyticsFlusher> logger) : BackgroundService
{
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            collector.Sample(gauges: true);
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
        collector.Sample(gauges: true);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                collector.Sample(gauges: true);
                await history.FlushAsync(all: false, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFlushFailed(ex);
            }
        }
    }

    [LoggerMessage(EventId = 1100, Level = LogLevel.Warning, Message = "Could not write analytics to the database")]
    private partial void LogFlushFailed(Exception exception);
}
