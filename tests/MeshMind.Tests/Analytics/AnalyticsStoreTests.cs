using MeshMind.Analytics;
using MeshMind.Node;
using MeshMind.Storage;
using MeshMind.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace MeshMind.Tests.Analytics;

/// <summary>The analytics table in a real SQLite file: minute and hour buckets, merging, retention.</summary>
public sealed class AnalyticsStoreTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _time = new(Start);
    private readonly AnalyticsStore _store;

    public AnalyticsStoreTests()
    {
        var data = new DataDirectory(Options.Create(new NodeOptions { DataDir = _directory.Combine("data") }));
        var database = new Database(data, NullLogger<Database>.Instance);
        database.MigrateAsync(Migrations.All, CancellationToken.None).GetAwaiter().GetResult();
        _store = new AnalyticsStore(database, Options.Create(new AnalyticsOptions()), _time);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }

    private static AnalyticsRow Row(DateTimeOffset at, string key, params double[] latencies)
    {
        var tally = new Tally();
        foreach (var latency in latencies)
        {
            tally.Add(value: latency);
        }

        return new AnalyticsRow(AnalyticsRecorder.MinuteOf(at), Kinds.Http, key, tally.Snapshot());
    }

    [Fact]
    public async Task Minutes_RollUpIntoTheirHour_AndRepeatedWritesMerge()
    {
        var ct = TestContext.Current.CancellationToken;
        await _store.AddAsync([Row(Start.AddMinutes(1), "GET /a", 1, 2), Row(Start.AddMinutes(2), "GET /a", 3)], ct);
        await _store.AddAsync([Row(Start.AddMinutes(2), "GET /a", 4), Row(Start.AddMinutes(2), "GET /b", 5)], ct);

        var minutes = await _store.ReadAsync(AnalyticsStore.Minute, Start.ToUnixTimeSeconds(), Start.AddHours(1).ToUnixTimeSeconds(), ct);
        var hours = await _store.ReadAsync(AnalyticsStore.Hour, Start.ToUnixTimeSeconds(), Start.AddHours(1).ToUnixTimeSeconds(), ct);

        Assert.Equal(3, minutes.Count);
        Assert.Equal(2, minutes.Single(r => r.Key == "GET /a" && r.Start == Start.AddMinutes(2).ToUnixTimeSeconds()).Data.Count);
        var hourA = Assert.Single(hours, r => r.Key == "GET /a");
        Assert.Equal(Start.ToUnixTimeSeconds(), hourA.Start);
        Assert.Equal(4, hourA.Data.Count);
        Assert.Equal(4, hourA.Data.Max);
        Assert.Equal(1, Assert.Single(hours, r => r.Key == "GET /b").Data.Count);
    }

    [Fact]
    public async Task Trim_DropsMinutesAfterTheirRetention_AndHoursAfterTheirs()
    {
        var ct = TestContext.Current.CancellationToken;
        await _store.AddAsync([Row(Start, "GET /old", 1), Row(Start.AddDays(20), "GET /mid", 1)], ct);
        _time.SetUtcNow(Start.AddDays(20).AddHours(1));

        await _store.TrimAsync(ct);

        var all = (long.MinValue / 2, long.MaxValue / 2);
        var minutes = await _store.ReadAsync(AnalyticsStore.Minute, all.Item1, all.Item2, ct);
        var hours = await _store.ReadAsync(AnalyticsStore.Hour, all.Item1, all.Item2, ct);
        Assert.Equal(["GET /mid"], minutes.Select(r => r.Key));                   // the 20-day-old minute is past 48 h
        Assert.Equal(["GET /mid", "GET /old"], hours.Select(r => r.Key).Order()); // hours are kept 30 days

        _time.SetUtcNow(Start.AddDays(31));
        await _store.TrimAsync(ct);

        hours = await _store.ReadAsync(AnalyticsStore.Hour, all.Item1, all.Item2, ct);
        Assert.Equal(["GET /mid"], hours.Select(r => r.Key));
        Assert.Empty(await _store.ReadAsync(AnalyticsStore.Minute, all.Item1, all.Item2, ct));
    }
}
