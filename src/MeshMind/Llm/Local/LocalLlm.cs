using System.Collections.Concurrent;
using System.Net.Sockets;
using MeshMind.Infrastructure;
using MeshMind.Llm.Ollama;
using MeshMind.Llm.OpenAi;
using MeshMind.Llm.Pipeline;
using MeshMind.Node;
using Microsoft.Extensions.Options;

namespace MeshMind.Llm.Local;

/// <summary>
/// This node's own LLM: an Ollama at <see cref="LlmOptions.OllamaUrl"/> or an OpenAI-compatible server at
/// <see cref="LlmOptions.OpenAiUrl"/>, behind one <see cref="Backend"/>. Keeps the last probe's result, the requests it is
/// serving now, and running averages of time to first token and tokens per second (told by its answers, as a pipeline stage).
/// </summary>
internal sealed class LocalLlm : IAnswerObserver, IDisposable
{
    /// <summary>Probes that fail in a row (without a refused connection) before this node stops offering its LLM.</summary>
    public const int FailedProbesToDrop = 3;

    private const double Smoothing = 0.2;
    private readonly HttpClient _http;
    private readonly LlmOptions _options;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private int _failedProbes;
    private LlmCapability _capability = LlmCapability.None;
    private readonly ConcurrentDictionary<string, int> _servingPeers = new(StringComparer.Ordinal);
    private int _inFlight;
    private double? _ttftMs;
    private double? _tokensPerS;

    public LocalLlm(IOptions<LlmOptions> options, NodeInfo node, OutboundCallMetrics calls, TimeProvider time)
    {
        _options = options.Value;
        _time = time;
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(2),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
        };
        var openAi = _options.Backend == "openai";
        _http = new HttpClient(new CallMetricsHandler("llm", calls, time, handler))
        {
            // Relative paths resolve under the API base: "api/chat" under Ollama's root, "chat/completions" under ".../v1/".
            BaseAddress = new Uri((openAi ? _options.OpenAiUrl : _options.OllamaUrl).TrimEnd('/') + "/"),
            // The router owns every timeout (first token, stall); a long answer must not be cut by HttpClient.
            Timeout = Timeout.InfiniteTimeSpan,
        };
        Backend = openAi ? new OpenAiBackend(_http, _options.OpenAiKey, time) : new OllamaBackend(_http);
        Host = new LlmHost(node.NodeId, node.Name, LanAddress.Current, HasLlm: false, IsLocal: true);
    }

    /// <summary>The backend that answers this node's chats.</summary>
    public ILocalBackend Backend { get; }

    public LlmHost Host { get; private set; }

    /// <summary>Raised after a probe changed what this node announces.</summary>
    public event Action? CapabilityChanged;

    public LlmCapability Capability
    {
        get
        {
            lock (_lock)
            {
                return _capability with { InFlight = _inFlight, TtftMs = _ttftMs, TokensPerS = _tokensPerS };
            }
        }
    }

    public int InFlight => Volatile.Read(ref _inFlight);

    public bool HasFreeSlot => Capability is { HasLlm: true } c && c.InFlight < c.MaxParallel;

    /// <summary>Asks the backend what it serves (for Ollama, <c>/api/tags</c> and <c>/api/ps</c>). Never throws but for cancellation.</summary>
    /// <remarks>
    /// One slow or failed probe is not a verdict: a busy machine, or Ollama loading a model, can answer late, and dropping
    /// the LLM at once would make every peer stop routing to a host that still answers chats. Only a refused connection
    /// (nothing listens) or <see cref="FailedProbesToDrop"/> failures in a row take the LLM away; until then the last
    /// capability stays, marked <see cref="LlmCapability.ProbeLate"/>.
    /// </remarks>
    public async Task<LlmCapability> ProbeAsync(CancellationToken cancellationToken)
    {
        LlmCapability probed;
        var failed = false;
        using var timeout = new CancellationTokenSource(_options.ProbeTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            if (!_capability.HasLlm && !await ListeningAsync(linked.Token))
            {
                // Nothing listens there (the usual case on a node without an LLM): no HTTP client work at all, which keeps
                // the HTTP and JSON machinery for the backend out of an idle node's memory.
                probed = LlmCapability.None;
            }
            else
            {
                var models = await Backend.ListModelsAsync(linked.Token);
                probed = new LlmCapability(models.Count > 0, models, 0, _options.MaxParallel, null, null);
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // A refusal means nothing listens: the LLM is gone. Anything else (too slow, an error) may pass.
            failed = !IsRefused(ex);
            probed = LlmCapability.None;
        }

        bool changed;
        lock (_lock)
        {
            _failedProbes = failed ? _failedProbes + 1 : 0;
            if (failed && _capability.HasLlm && _failedProbes < FailedProbesToDrop)
            {
                probed = _capability with { ProbeLate = true };
            }

            changed = probed.HasLlm != _capability.HasLlm || probed.MaxParallel != _capability.MaxParallel
                || probed.ProbeLate != _capability.ProbeLate || !probed.Models.SequenceEqual(_capability.Models);
            _capability = probed;
            Host = Host with { HasLlm = probed.HasLlm };
        }

        if (changed)
        {
            CapabilityChanged?.Invoke();
        }

        return Capability;
    }

    /// <summary>Counts a request this node's LLM is serving, until the returned scope is disposed.</summary>
    /// <param name="peer">The admitted peer the request came from, if it came over the mesh.</param>
    public IDisposable Enter(string? peer = null)
    {
        Interlocked.Increment(ref _inFlight);
        if (peer is not null)
        {
            _servingPeers.AddOrUpdate(peer, 1, (_, n) => n + 1);
        }

        return new Slot(this, peer);
    }

    /// <summary>
    /// The requests served now for each peer that has any (at most <paramref name="limit"/> peers, the busiest): a peer
    /// subtracts its own from <see cref="InFlight"/> to know what this LLM serves for others.
    /// </summary>
    public IReadOnlyDictionary<string, int> ServingPeers(int limit) =>
        _servingPeers.Where(p => p.Value > 0).OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(limit)
            .ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    /// <summary>A finished local answer: its time to first token and generation speed go into the running averages.</summary>
    public void Finished(LlmAnswer answer, bool succeeded, string? failure)
    {
        if (answer.Host.IsLocal && succeeded)
        {
            Record(answer.TtftMs, answer.Final?.TokensPerSecond);
        }
    }

    /// <summary>Folds one answer's time to first token and generation speed into the running averages.</summary>
    public void Record(double ttftMs, double? tokensPerS)
    {
        lock (_lock)
        {
            _ttftMs = _ttftMs is { } t ? t + (Smoothing * (ttftMs - t)) : ttftMs;
            if (tokensPerS is { } rate)
            {
                _tokensPerS = _tokensPerS is { } r ? r + (Smoothing * (rate - r)) : rate;
            }
        }
    }

    public void Dispose() => _http.Dispose();

    private async Task<bool> ListeningAsync(CancellationToken cancellationToken)
    {
        var uri = _http.BaseAddress!;
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(uri.Host, uri.Port, cancellationToken);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static bool IsRefused(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
            {
                return true;
            }
        }

        return false;
    }

    private sealed class Slot(LocalLlm owner, string? peer) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                if (peer is not null)
                {
                    // A peer that no longer has any request here leaves the map (it is told in every capability).
                    if (owner._servingPeers.AddOrUpdate(peer, 0, (_, n) => n - 1) <= 0)
                    {
                        owner._servingPeers.TryRemove(new KeyValuePair<string, int>(peer, 0));
                    }
                }

                Interlocked.Decrement(ref owner._inFlight);
            }
        }
    }
}
