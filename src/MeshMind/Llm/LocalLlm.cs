using System.Runtime.CompilerServices;
using MeshMind.Infrastructure;
using MeshMind.Node;
using Microsoft.Extensions.Options;
using OllamaSharp;

namespace MeshMind.Llm;

/// <summary>
/// This node's own LLM: an Ollama at <see cref="LlmOptions.OllamaUrl"/> (or an OpenAI-compatible server, translated by
/// <see cref="OpenAiBackendHandler"/>), probed through OllamaSharp (chats are read line by line by <see cref="LlmRouter"/>
/// over the same <see cref="Http"/> client). Keeps the last probe's
/// result, the requests it is serving now, and running averages of time to first token and tokens per second.
/// </summary>
public sealed class LocalLlm : IDisposable
{
    /// <summary>Probes that fail in a row (without a refused connection) before this node stops offering its LLM.</summary>
    public const int FailedProbesToDrop = 3;

    private const double Smoothing = 0.2;
    private readonly HttpClient _http;
    private object? _client; // an OllamaApiClient: typed object so that loading this class does not load OllamaSharp
    private readonly LlmOptions _options;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private int _failedProbes;
    private LlmCapability _capability = LlmCapability.None;
    private int _inFlight;
    private double? _ttftMs;
    private double? _tokensPerS;

    public LocalLlm(IOptions<LlmOptions> options, NodeInfo node, OutboundCallMetrics calls, TimeProvider time)
    {
        _options = options.Value;
        _time = time;
        HttpMessageHandler backend = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(2),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
        };
        var baseAddress = new Uri(_options.OllamaUrl);
        if (_options.Backend == "openai")
        {
            // Ollama's API, translated per call; requests go to the server's root, the handler adds the API base.
            var openAi = new Uri(_options.OpenAiUrl);
            backend = new OpenAiBackendHandler(openAi, _options.OpenAiKey, time, backend);
            baseAddress = new Uri(openAi.GetLeftPart(UriPartial.Authority) + "/");
        }

        _http = new HttpClient(new CallMetricsHandler("llm", calls, time, backend))
        {
            BaseAddress = baseAddress,
            // The router owns every timeout (first token, stall); a long answer must not be cut by HttpClient.
            Timeout = Timeout.InfiniteTimeSpan,
        };
        Host = new LlmHost(node.NodeId, node.Name, LanAddress.Current, HasLlm: false, IsLocal: true);
    }

    /// <summary>OllamaSharp over <see cref="Http"/>, for probing.</summary>
    /// <remarks>Made at the first probe that finds something listening: a node without an LLM never loads OllamaSharp.</remarks>
    public OllamaApiClient Client => (OllamaApiClient)(Volatile.Read(ref _client) ?? CreateClient());

    /// <summary>The HTTP client for the local Ollama (base address set), for chats read line by line.</summary>
    public HttpClient Http => _http;

    public LlmHost Host { get; private set; }

    /// <summary>Raised after a probe or a finished request changed what this node announces.</summary>
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

    /// <summary>
    /// Asks Ollama what it has (<c>/api/tags</c>) and what is loaded (<c>/api/ps</c>). Never throws but for cancellation.
    /// </summary>
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
            probed = !_capability.HasLlm && !await ListeningAsync(linked.Token)
                // Nothing listens there (the usual case on a node without Ollama): no HTTP client work at all, which
                // keeps OllamaSharp and the HTTP and JSON machinery for Ollama out of an idle node's memory.
                ? LlmCapability.None
                : await OllamaModels.ListAsync(this, _options.MaxParallel, linked.Token);
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

    private static bool IsRefused(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused })
            {
                return true;
            }
        }

        return false;
    }

    private async Task<bool> ListeningAsync(CancellationToken cancellationToken)
    {
        var uri = _http.BaseAddress!;
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(uri.Host, uri.Port, cancellationToken);
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    /// <summary>Counts a request this node's LLM is serving, until the returned scope is disposed.</summary>
    public IDisposable Enter()
    {
        Interlocked.Increment(ref _inFlight);
        return new Slot(this);
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

    public void Dispose()
    {
        (_client as IDisposable)?.Dispose();
        _http.Dispose();
    }

    private sealed class Slot(LocalLlm owner) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                Interlocked.Decrement(ref owner._inFlight);
            }
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private object CreateClient()
    {
        var client = new OllamaApiClient(_http);
        return Interlocked.CompareExchange(ref _client, client, null) ?? client;
    }
}
