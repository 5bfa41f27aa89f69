using System.Text.Json.Serialization;

namespace MeshMind.Analytics;

internal sealed record RouteStats(string Route, long Count, long Errors, long ClientErrors, ValueStats LatencyMs, long BytesIn, long BytesOut);

internal sealed record CallStats(string Target, string Route, long Count, long Errors, long ClientErrors, ValueStats LatencyMs, long BytesIn, long BytesOut);

internal sealed record LatencyPoint(long T, long Count, double P50, double P95, double P99);

internal sealed record PerfResponse(string Range, long From, long To, int BucketSeconds,
    IReadOnlyList<RouteStats> Routes, IReadOnlyList<CallStats> Calls, IReadOnlyList<LatencyPoint> LatencyOverTime);

internal sealed record ModelCount(string Model, long Count, long Errors);

internal sealed record HostCount(string NodeId, string Name, bool Local, long Count);

internal sealed record CountPoint(long T, long Count, long Errors);

internal sealed record ReasonCount(string Reason, long Count);

internal sealed record ChatAnalyticsResponse(string Range, long From, long To, int BucketSeconds, long Total, long Errors, long Failovers,
    IReadOnlyList<ModelCount> ByModel, IReadOnlyList<HostCount> ByHost, IReadOnlyList<CountPoint> OverTime,
    ValueStats TtftMs, ValueStats TokensPerSecond, IReadOnlyList<ReasonCount> ErrorsByReason);

internal sealed record CountBytes(long Count, long Bytes);

internal sealed record NodeFileBytes(string NodeId, string Name, long ProxiedBytes, long ServedBytes);

internal sealed record FilesPoint(long T, long Uploads, long UploadBytes, long Downloads, long DownloadBytes, long ProxiedBytes);

internal sealed record FilesAnalyticsResponse(string Range, long From, long To, int BucketSeconds,
    CountBytes Uploads, CountBytes Downloads, CountBytes Proxied, CountBytes ServedToPeers,
    IReadOnlyList<NodeFileBytes> ByNode, IReadOnlyList<FilesPoint> OverTime);

internal sealed record TimeCount(long T, long Count);

internal sealed record EngagementResponse(string Range, long From, long To, int BucketSeconds, long Messages, long ActiveConversations,
    long Logins, long FailedLogins, IReadOnlyList<TimeCount> MessagesPerHour, IReadOnlyList<TimeCount> MessagesPerDay);

internal sealed record PeersPoint(long T, long Peers);

internal sealed record LinkRtt(string NodeId, string Name, ValueStats Rtt);

internal sealed record DiscoveryTotals(long Sent, long Received, IReadOnlyList<ReasonCount> Dropped);

internal sealed record ChannelBytes(string Channel, long In, long Out);

internal sealed record BytesPoint(long T, long Discovery, long Links, long Proxy);

internal sealed record NetworkAnalyticsResponse(string Range, long From, long To, int BucketSeconds, int PeersNow, int LinksUp,
    IReadOnlyList<PeersPoint> PeersOverTime, IReadOnlyList<LinkRtt> LinkRttMs, DiscoveryTotals Discovery,
    IReadOnlyList<ChannelBytes> Bytes, IReadOnlyList<BytesPoint> BytesOverTime);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(PerfResponse))]
[JsonSerializable(typeof(ChatAnalyticsResponse))]
[JsonSerializable(typeof(FilesAnalyticsResponse))]
[JsonSerializable(typeof(EngagementResponse))]
[JsonSerializable(typeof(NetworkAnalyticsResponse))]
internal sealed partial class AnalyticsJsonContext : JsonSerializerContext;
