using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace MeshMind.Analytics;

/// <summary>The kinds of tallies kept per minute; the key's meaning depends on the kind.</summary>
public static class Kinds
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
/// <see cref="AnalyticsFlusher"/> writes finished minutes to SQLite, and the same events as OpenTelemetry instruments
/// for <c>/metrics</c>.
/// </summary>
public sealed class AnalyticsRecorder : IDisposable
{
    public const string MeterName = "MeshMind";

    private readonly ConcurrentDictionary<long, ConcurrentDictionary<(string Kind, string Key), Tally>> _minutes = new();
    private readonly TimeProvider _time;
    private readonly Meter _meter = new(MeterName);
    private readonly Histogram<double> _httpDuration;
    private readonly Counter<long> _chats;
    private readonly Counter<long> _failovers;
    private readonly Counter<long> _bytes;
    private readonly Counter<long> _fileBytes;
    private readonly Counter<long> _logins;

    public AnalyticsRecorder(TimeProvider time)
    {
        _time = time;
        _httpDuration = _meter.CreateHistogram<double>("meshmind.peer_call.duration", "s", "Calls this node makes to peers and to its LLM backend");
        _chats = _meter.CreateCounter<long>("meshmind.chats", "{chat}", "Chat answers by host kind and outcome");
        _failovers = _meter.CreateCounter<long>("meshmind.chat.failovers", "{failover}", "Hosts that failed before the first token and were skipped");
        _bytes = _meter.CreateCounter<long>("meshmind.network.bytes", "By", "Bytes by channel (discovery, links, proxy) and direction");
        _fileBytes = _meter.CreateCounter<long>("meshmind.files.bytes", "By", "File bytes by operation (upload, download, proxied, served)");
        _logins = _meter.CreateCounter<long>("meshmind.logins", "{login}", "Login attempts by outcome");
    }

    public Meter Meter => _meter;

    public void Http(string route, double milliseconds, int status, long bytesIn, long bytesOut) =>
        Add(Kinds.Http, route, value: milliseconds, error: status >= 500, clientError: status is >= 400 and < 500, bytesIn: bytesIn, bytesOut: bytesOut);

    public void Call(string target, string route, double milliseconds, bool error, long bytesIn, long bytesOut)
    {
        Add(Kinds.Call, target + " " + route, value: milliseconds, error: error, bytesIn: bytesIn, bytesOut: bytesOut);
        _httpDuration.Record(milliseconds / 1000, new("target", target), new("route", route), new("error", error));
        if (target == "peer")
        {
            ProxyBytes(bytesIn, bytesOut);
        }
    }

    /// <summary>An answer that finished, failed mid-way, or never started (<paramref name="hostId"/> null).</summary>
    public void Chat(string? model, string? hostId, string? hostName, bool hostIsLocal, double? totalMs, double? ttftMs, double? tokensPerSecond, string? errorReason)
    {
        var error = errorReason is not null;
        Add(Kinds.Chat, "", value: totalMs, error: error);
        if (model is not null)
        {
            Add(Kinds.ChatModel, model, error: error);
        }

        if (hostId is not null)
        {
            Add(Kinds.ChatHost, $"{hostId}|{hostName}|{(hostIsLocal ? "local" : "peer")}", error: error);
        }

        if (!error)
        {
            Add(Kinds.ChatTtft, "", value: ttftMs, count: ttftMs is null ? 0 : 1);
            Add(Kinds.ChatRate, "", value: tokensPerSecond, count: tokensPerSecond is null ? 0 : 1);
        }
        else
        {
            Add(Kinds.ChatError, errorReason!);
        }

        _chats.Add(1, new("host", hostId is null ? "none" : hostIsLocal ? "local" : "peer"), new("outcome", error ? "error" : "ok"));
    }

    public void Failover()
    {
        Add(Kinds.ChatFailover, "");
        _failovers.Add(1);
    }

    /// <summary>A chat request from a person (not a peer), in <paramref name="conversationId"/> when the API has conversations.</summary>
    public void Message(string? conversationId)
    {
        Add(Kinds.Message, "");
        if (conversationId is not null)
        {
            Add(Kinds.Conversation, conversationId);
        }
    }

    public void Login(bool succeeded)
    {
        Add(Kinds.Login, succeeded ? "ok" : "failed");
        _logins.Add(1, new KeyValuePair<string, object?>("outcome", succeeded ? "ok" : "failed"));
    }

    public void Upload(long bytes) => FileBytes(Kinds.FileUpload, "", bytes, "upload", inbound: true);

    public void Download(long bytes) => FileBytes(Kinds.FileDownload, "", bytes, "download", inbound: false);

    /// <summary>A peer's file fetched through this node's proxy.</summary>
    public void Proxied(string nodeId, string name, long bytes) => FileBytes(Kinds.FileProxied, $"{nodeId}|{name}", bytes, "proxied", inbound: true);

    /// <summary>This node's file (or replica) sent to a peer over the mesh port.</summary>
    public void Served(string nodeId, string name, long bytes) => FileBytes(Kinds.FileServed, $"{nodeId}|{name}", bytes, "served", inbound: false);

    public void Rtt(string nodeId, string name, double milliseconds) => Add(Kinds.Rtt, $"{nodeId}|{name}", value: milliseconds);

    public void Peers(int linked) => Add(Kinds.Peers, "", value: linked);

    public void Discovery(string what, long count)
    {
        if (count > 0)
        {
            Add(Kinds.Discovery, what, count: count);
        }
    }

    public void ChannelBytes(string channel, long bytesIn, long bytesOut)
    {
        if (bytesIn == 0 && bytesOut == 0)
        {
            return;
        }

        Add(Kinds.Bytes, channel, count: 0, bytesIn: bytesIn, bytesOut: bytesOut);
        if (bytesIn > 0)
        {
            _bytes.Add(bytesIn, new("channel", channel), new("direction", "in"));
        }

        if (bytesOut > 0)
        {
            _bytes.Add(bytesOut, new("channel", channel), new("direction", "out"));
        }
    }

    private void ProxyBytes(long bytesIn, long bytesOut) => ChannelBytes("proxy", bytesIn, bytesOut);

    private void FileBytes(string kind, string key, long bytes, string operation, bool inbound)
    {
        Add(kind, key, bytesIn: inbound ? bytes : 0, bytesOut: inbound ? 0 : bytes);
        _fileBytes.Add(bytes, new KeyValuePair<string, object?>("operation", operation));
    }

    public void Add(string kind, string key, long count = 1, double? value = null, bool error = false, bool clientError = false, long bytesIn = 0, long bytesOut = 0)
    {
        var minute = MinuteOf(_time.GetUtcNow());
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

    public void Dispose() => _meter.Dispose();
}

/// <summary>One stored tally: the bucket's start (unix seconds), kind, key and data.</summary>
public sealed record AnalyticsRow(long Start, string Kind, string Key, TallyData Data);
