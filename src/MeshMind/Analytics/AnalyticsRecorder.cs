using System.Collections.Concurrent;

namespace MeshMind.Analytics;

/// <summary>The kinds of tallies kept per minute; the key's meaning depends on the kind.</summary>
internal static class Kinds
{
    public const string Http = "http";                 // key: "GET /api/status" (route template; "MESH …" on the mesh port)
    public const string Call = "call";                 // key: "peer POST /api/chat" or "llm POST /api/chat"
    public const string Chat = "chat";                 // key: "" — every answer; value = total ms
    public const string ChatModel = "chat.model";      // key: model
    public const string ChatHost = "chat.host";        // key: "node_id|name|local"
    public const string ChatTtft = "chat.ttft";        // value: ms
    public const string ChatRate = "chat.tps";         // value: tokens/s
    public const string ChatFailover = "chat.failover";
    public const string ChatError = "chat.error";      // key: reason
    public const string FileUpload = "files.upload";
    public const string FileDownload = "files.download";
    public const string FileProxied = "files.proxied"; // key: "node_id|name"
    public const string FileServed = "files.served";   // key: "node_id|name"
    public const string Message = "engagement.message";
    public const string Conversation = "engagement.conversation"; // key: conversation id
    public const string Login = "engagement.login";    // key: "ok" | "failed"
    public const string Peers = "network.peers";       // value: linked peers (gauge)
    public const string Rtt = "network.rtt";           // key: "node_id|name"; value: ms
    public const string Discovery = "network.discovery"; // key: "sent" | "received" | "dropped:reason"
    public const string Bytes = "network.bytes";       // key: "discovery" | "links" | "proxy"
}

/// <summary>
/// Where every measured event goes: a <see cref="Tally"/> per (kind, key) in the current minute, kept in memory until
/// <see cref="AnalyticsFlusher"/> writes finished minutes to SQLite. Fed by <see cref="AnalyticsCollector"/> (the features'
/// instruments) and by <see cref="PerfMiddleware"/> (every HTTP request).
/// </summary>
internal sealed class AnalyticsRecorder(TimeProvider time)
{
    private readonly ConcurrentDictionary<long, ConcurrentDictionary<(string Kind, string Key), Tally>> _minutes = new();

    public void Http(string route, double milliseconds, int status, long bytesIn, long bytesOut) =>
        Add(Kinds.Http, route, value: milliseconds, error: status >= 500, clientError: status is >= 400 and < 500, bytesIn: bytesIn, bytesOut: bytesOut);

    public void Add(string kind, string key, long count = 1, double? value = null, bool error = false, bool clientError = false, long bytesIn = 0, long bytesOut = 0)
    {
        var minute = MinuteOf(time.GetUtcNow());
        var tallies = _minutes.GetOrAdd(minute, static _ => new ConcurrentDictionary<(string, string), Tally>());
        tallies.GetOrAdd((kind, key), static _ => new Tally()).Add(count, value, error, clientError, bytesIn, bytesOut);
    }

    /// <summary>Unix seconds of the start of the minute holding <paramref name="at"/>.</summary>
    public static long MinuteOf(DateTimeOffset at) => at.ToUnixTimeSeconds() / 60 * 60;

    /// <summary>What is held in memory (not yet written), minute by minute.</summary>
    public IReadOnlyList<AnalyticsRow> Pending(long? beforeMinute = null) =>
        [.. _minutes.Where(m => beforeMinute is null || m.Key < beforeMinute)
            .SelectMany(m => m.Value.Select(t => new AnalyticsRow(m.Key, t.Key.Kind, t.Key.Key, t.Value.Snapshot())))];

    /// <summary>Forgets minutes once they are stored.</summary>
    public void Forget(IEnumerable<long> minutes)
    {
        foreach (var minute in minutes)
        {
            _minutes.TryRemove(minute, out _);
        }
    }
}

/// <summary>One stored tally: the bucket's start (unix seconds), kind, key and data.</summary>
internal sealed record AnalyticsRow(long Start, string Kind, string Key, TallyData Data);
