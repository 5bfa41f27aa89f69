using System.Diagnostics;
using System.Diagnostics.Metrics;
using MeshMind.Infrastructure;
using MeshMind.Llm.Pipeline;

namespace MeshMind.Llm;

/// <summary>
/// The LLM feature's instruments (meter <c>MeshMind.Llm</c>). Per event, with the detail in-process listeners such as
/// analytics need: <c>meshmind.llm.requests</c> (chats asked of this node by people and their programs, not by peers),
/// <c>meshmind.llm.answers</c> {model, host.node_id, host.name, host.kind, outcome, error.reason}, the answers' duration,
/// time to first token and tokens per second (ms, ms, 1/s), and <c>meshmind.llm.failovers</c>. Totals since start for
/// exporters: <c>meshmind.chats</c> {host, outcome} and <c>meshmind.chat.failovers</c>.
/// </summary>
internal sealed class LlmMetrics : IAnswerObserver
{
    public const string MeterName = "MeshMind.Llm";
    private readonly Counter<long> _requests;
    private readonly Counter<long> _answers;
    private readonly Histogram<double> _duration;
    private readonly Histogram<double> _ttft;
    private readonly Histogram<double> _tokensPerSecond;
    private readonly Counter<long> _failovers;
    private readonly RunningTotals _chatTotals = new("host", "outcome");
    private readonly RunningTotals _failoverTotals = new();

    public LlmMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _requests = meter.CreateCounter<long>("meshmind.llm.requests", "{request}", "Chats asked of this node by people and their programs");
        _answers = meter.CreateCounter<long>("meshmind.llm.answers", "{answer}", "Answers by model, host and outcome");
        _duration = meter.CreateHistogram<double>("meshmind.llm.answer.duration", "ms", "Time from the request to the answer's end");
        _ttft = meter.CreateHistogram<double>("meshmind.llm.answer.ttft", "ms", "Time to the first token of answers that finished");
        _tokensPerSecond = meter.CreateHistogram<double>("meshmind.llm.answer.tokens_per_second", "{token}/s", "Generation speed of answers that finished");
        _failovers = meter.CreateCounter<long>("meshmind.llm.failovers", "{failover}", "Hosts that failed before the first token and were skipped");
        meter.CreateObservableCounter("meshmind.chats", _chatTotals.Observe, "{chat}", "Chat answers by host kind and outcome");
        meter.CreateObservableCounter("meshmind.chat.failovers", _failoverTotals.Observe, "{failover}", "Hosts that failed before the first token and were skipped");
    }

    /// <summary>A chat asked of this node by a person or a program (a peer's request is counted by the node it came from).</summary>
    public void Request() => _requests.Add(1);

    /// <summary>An answer that finished, failed mid-way, or never started (<paramref name="host"/> null).</summary>
    public void Answer(string? model, LlmHost? host, double? totalMs, double? ttftMs, double? tokensPerSecond, string? errorReason)
    {
        var kind = host is null ? "none" : host.IsLocal ? "local" : "peer";
        var outcome = errorReason is null ? "ok" : "error";
        var tags = new TagList
        {
            { "model", model },
            { "host.node_id", host?.NodeId },
            { "host.name", host?.Name },
            { "host.kind", kind },
            { "outcome", outcome },
            { "error.reason", errorReason },
        };
        _answers.Add(1, tags);
        if (totalMs is { } total)
        {
            _duration.Record(total);
        }

        if (errorReason is null)
        {
            if (ttftMs is { } ttft)
            {
                _ttft.Record(ttft);
            }

            if (tokensPerSecond is { } rate)
            {
                _tokensPerSecond.Record(rate);
            }
        }

        _chatTotals.Add(1, kind, outcome);
    }

    /// <summary>An answer that started and ended: finished, failed mid-way, or stopped by the client (neither success nor error).</summary>
    public void Finished(LlmAnswer answer, bool succeeded, string? failure) =>
        Answer(answer.Model, answer.Host, answer.Elapsed.TotalMilliseconds, succeeded ? answer.TtftMs : null,
            succeeded ? answer.Final?.TokensPerSecond : null, failure);

    public void Failover()
    {
        _failovers.Add(1);
        _failoverTotals.Add(1);
    }
}
