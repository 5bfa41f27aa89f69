using System.Diagnostics.Metrics;

namespace MeshMind.Analytics;

/// <summary>
/// Listens to this node's MeshMind instruments (<see cref="MeterListener"/>, only meters made by this node's
/// <see cref="IMeterFactory"/>, so nodes sharing a process stay apart) and turns each measurement into a tally of
/// <see cref="AnalyticsRecorder"/>. Features own their instruments and know nothing of analytics; the mapping from an
/// instrument to the kind and key it is counted under lives here, in one table.
/// </summary>
/// <remarks>
/// Observable instruments are read by <see cref="Sample"/>: cumulative counters as the growth since the last reading,
/// gauges only when the flusher samples them (a read of the analytics API samples counters, so it sees recent traffic).
/// </remarks>
internal sealed class AnalyticsCollector : IDisposable
{
    private readonly AnalyticsRecorder _recorder;
    private readonly MeterListener _listener = new();
    private readonly Lock _sampling = new();
    private readonly Dictionary<(string Instrument, string Tags), long> _lastTotals = [];
    private bool _withGauges;

    public AnalyticsCollector(AnalyticsRecorder recorder, IMeterFactory meters)
    {
        _recorder = recorder;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, meters) && s_collected.TryGetValue(instrument.Name, out var collected))
            {
                // The instrument's kind travels as the measurement's state: no lookup by name per measurement.
                listener.EnableMeasurementEvents(instrument, collected);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, state) => OnMeasurement(instrument, (Collected)state!, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, state) => OnMeasurement(instrument, (Collected)state!, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, state) => OnMeasurement(instrument, (Collected)state!, value, tags));
        _listener.Start();
    }

    /// <summary>Reads the observable instruments now: counters always, gauges when <paramref name="gauges"/>.</summary>
    public void Sample(bool gauges)
    {
        lock (_sampling)
        {
            _withGauges = gauges;
            _listener.RecordObservableInstruments();
            _withGauges = false;
        }
    }

    public void Dispose() => _listener.Dispose();

    /// <summary>The instruments analytics keeps, by name (the features' instruments it maps to its tallies).</summary>
    private static readonly Dictionary<string, Collected> s_collected = new(StringComparer.Ordinal)
    {
        ["meshmind.llm.requests"] = Collected.LlmRequests,
        ["meshmind.llm.answers"] = Collected.LlmAnswers,
        ["meshmind.llm.answer.duration"] = Collected.LlmAnswerDuration,
        ["meshmind.llm.answer.ttft"] = Collected.LlmAnswerTtft,
        ["meshmind.llm.answer.tokens_per_second"] = Collected.LlmAnswerTokensPerSecond,
        ["meshmind.llm.failovers"] = Collected.LlmFailovers,
        ["meshmind.conversations.turns"] = Collected.ConversationTurns,
        ["meshmind.auth.logins"] = Collected.Logins,
        ["meshmind.files.transfers"] = Collected.FileTransfers,
        ["meshmind.peer_call.duration"] = Collected.CallDuration,
        ["meshmind.peer_call.bytes"] = Collected.CallBytes,
        ["meshmind.mesh.link.rtt"] = Collected.LinkRtt,
        ["meshmind.peers.linked"] = Collected.PeersLinked,
        ["meshmind.discovery.datagrams"] = Collected.DiscoveryDatagrams,
        ["meshmind.discovery.dropped"] = Collected.DiscoveryDropped,
        ["meshmind.network.bytes"] = Collected.NetworkBytes,
    };

    private enum Collected
    {
        LlmRequests,
        LlmAnswers,
        LlmAnswerDuration,
        LlmAnswerTtft,
        LlmAnswerTokensPerSecond,
        LlmFailovers,
        ConversationTurns,
        Logins,
        FileTransfers,
        CallDuration,
        CallBytes,
        LinkRtt,
        PeersLinked,
        DiscoveryDatagrams,
        DiscoveryDropped,
        NetworkBytes,
    }

    private void OnMeasurement(Instrument instrument, Collected collected, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        switch (collected)
        {
            case Collected.LlmRequests:
                _recorder.Add(Kinds.Message, "");
                break;
            case Collected.LlmAnswers:
                var error = Tag(tags, "outcome") == "error";
                _recorder.Add(Kinds.Chat, "", error: error);
                if (Tag(tags, "model") is { } model)
                {
                    _recorder.Add(Kinds.ChatModel, model, error: error);
                }

                if (Tag(tags, "host.node_id") is { } host)
                {
                    _recorder.Add(Kinds.ChatHost, $"{host}|{Tag(tags, "host.name")}|{Tag(tags, "host.kind")}", error: error);
                }

                if (error)
                {
                    _recorder.Add(Kinds.ChatError, Tag(tags, "error.reason") ?? "");
                }

                break;
            case Collected.LlmAnswerDuration:
                _recorder.Add(Kinds.Chat, "", count: 0, value: value);
                break;
            case Collected.LlmAnswerTtft:
                _recorder.Add(Kinds.ChatTtft, "", value: value);
                break;
            case Collected.LlmAnswerTokensPerSecond:
                _recorder.Add(Kinds.ChatRate, "", value: value);
                break;
            case Collected.LlmFailovers:
                _recorder.Add(Kinds.ChatFailover, "");
                break;
            case Collected.ConversationTurns:
                _recorder.Add(Kinds.Conversation, Tag(tags, "conversation.id") ?? "");
                break;
            case Collected.Logins:
                _recorder.Add(Kinds.Login, Tag(tags, "outcome") ?? "");
                break;
            case Collected.FileTransfers:
                var bytes = (long)value;
                var peer = $"{Tag(tags, "peer.node_id")}|{Tag(tags, "peer.name")}";
                switch (Tag(tags, "operation"))
                {
                    case "upload":
                        _recorder.Add(Kinds.FileUpload, "", bytesIn: bytes);
                        break;
                    case "download":
                        _recorder.Add(Kinds.FileDownload, "", bytesOut: bytes);
                        break;
                    case "proxied":
                        _recorder.Add(Kinds.FileProxied, peer, bytesIn: bytes);
                        break;
                    case "served":
                        _recorder.Add(Kinds.FileServed, peer, bytesOut: bytes);
                        break;
                }

                break;
            case Collected.CallDuration:
                _recorder.Add(Kinds.Call, $"{Tag(tags, "target")} {Tag(tags, "route")}", value: value * 1000, error: Tag(tags, "error") == bool.TrueString);
                break;
            case Collected.CallBytes:
                var inbound = Tag(tags, "direction") == "in";
                _recorder.Add(Kinds.Call, $"{Tag(tags, "target")} {Tag(tags, "route")}", count: 0,
                    bytesIn: inbound ? (long)value : 0, bytesOut: inbound ? 0 : (long)value);
                break;
            case Collected.LinkRtt:
                _recorder.Add(Kinds.Rtt, $"{Tag(tags, "peer.node_id")}|{Tag(tags, "peer.name")}", value: value);
                break;
            case Collected.PeersLinked when _withGauges:
                _recorder.Add(Kinds.Peers, "", value: value);
                break;
            case Collected.DiscoveryDatagrams when Growth(instrument, tags, (long)value) is > 0 and var sent:
                _recorder.Add(Kinds.Discovery, Tag(tags, "direction") ?? "", count: sent);
                break;
            case Collected.DiscoveryDropped when Growth(instrument, tags, (long)value) is > 0 and var dropped:
                _recorder.Add(Kinds.Discovery, "dropped:" + Tag(tags, "reason"), count: dropped);
                break;
            case Collected.NetworkBytes when Growth(instrument, tags, (long)value) is > 0 and var moved:
                var incoming = Tag(tags, "direction") == "in";
                _recorder.Add(Kinds.Bytes, Tag(tags, "channel") ?? "", count: 0, bytesIn: incoming ? moved : 0, bytesOut: incoming ? 0 : moved);
                break;
        }
    }

    /// <summary>For a cumulative counter: how much it grew since its last reading with the same tags.</summary>
    private long Growth(Instrument instrument, ReadOnlySpan<KeyValuePair<string, object?>> tags, long total)
    {
        var key = (instrument.Name, string.Join('\n', tags.ToArray().Select(t => $"{t.Key}={t.Value}")));
        var previous = _lastTotals.GetValueOrDefault(key);
        _lastTotals[key] = Math.Max(previous, total);
        return total - previous;
    }

    private static string? Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string name)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == name)
            {
                return tag.Value?.ToString();
            }
        }

        return null;
    }
}
