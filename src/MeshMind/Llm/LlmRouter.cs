using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json;
using MeshMind.Mesh.Peers;
using MeshMind.Mesh.Transport;
using Microsoft.Extensions.Options;
using OllamaSharp.Models.Chat;

namespace MeshMind.Llm;

/// <summary>
/// Chooses the host for each chat (DESIGN §6) and opens the answer: tries candidates in rank order and fails over on a
/// connect error, an error status or a timeout until one sends its first chunk. After that the answer is committed to
/// that host, and <see cref="LlmAnswer"/> reports any later failure as an error, never as a finished answer.
/// </summary>
public sealed partial class LlmRouter(
    LocalLlm local,
    PeerDirectory peers,
    PeerLlms peerLlms,
    PeerHttpClients clients,
    LlmMetrics metrics,
    IOptions<LlmOptions> options,
    TimeProvider time,
    ILogger<LlmRouter> logger)
{
    private readonly LlmOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, PeerHealth> _health = new(StringComparer.Ordinal);

    /// <summary>Every model the mesh serves (this node's, and linked peers' that granted access), with its hosts.</summary>
    public IReadOnlyList<CatalogModel> Catalog(bool includePeers = true) =>
        [.. Candidates(includePeers)
            .SelectMany(c => c.Capability.Models.Select(m => (Model: m, Candidate: c)))
            .GroupBy(x => ModelNames.Normalize(x.Model.Name), StringComparer.OrdinalIgnoreCase)
            .OrderBy(g => g.Key, StringComparer.OrdinalIgnoreCase)
            .Select(g => new CatalogModel(g.First().Model.Name,
                [.. g.OrderBy(x => x.Candidate.Host.IsLocal ? 0 : 1).ThenBy(x => x.Candidate.Host.Name, StringComparer.Ordinal)
                    .Select(x => new CatalogHost(x.Candidate.Host.NodeId, x.Candidate.Host.Name, x.Candidate.Host.IsLocal, x.Model.Loaded))])
            {
                Details = g.First().Model,
            })];

    /// <summary>The model a request gets: the one it names, else <see cref="LlmOptions.DefaultModel"/>, else this node's first, else the mesh's first.</summary>
    public string? ResolveModel(string? requested, bool includePeers = true)
    {
        if (!string.IsNullOrWhiteSpace(requested))
        {
            return requested.Trim();
        }

        if (_options.DefaultModel.Length > 0)
        {
            return _options.DefaultModel;
        }

        return local.Capability.Models is [var first, ..] ? first.Name : Catalog(includePeers) is [var any, ..] ? any.Name : null;
    }

    /// <summary>This node and every linked peer that has an LLM and granted us access, with what we know of their load.</summary>
    public IReadOnlyList<LlmCandidate> Candidates(bool includePeers = true)
    {
        var candidates = new List<LlmCandidate>();
        var mine = local.Capability;
        if (mine.HasLlm)
        {
            candidates.Add(new LlmCandidate(local.Host, mine, 0, mine.TtftMs, BreakerState.Closed));
        }

        if (!includePeers)
        {
            return candidates;
        }

        foreach (var peer in peers.Snapshot())
        {
            if (peer is { LinkState: LinkState.Up, Revoked: false, Addresses.Count: > 0 }
                && peerLlms.Find(peer.NodeId) is { GrantedPort: > 0, Capability.HasLlm: true } llm)
            {
                var health = Health(peer.NodeId);
                var address = peer.Addresses[0];
                candidates.Add(new LlmCandidate(new LlmHost(peer.NodeId, peer.Name, address.ToString(), true, false),
                    llm.Capability, health.Outstanding, health.TtftMs, health.Breaker.State, address, llm.GrantedPort));
            }
        }

        return candidates;
    }

    /// <summary>Opens an answer for <paramref name="request"/> on the best host that starts one.</summary>
    /// <param name="request">The chat; its model is resolved and set per host.</param>
    /// <param name="includePeers">False for requests that came from a peer: they are served here or not at all (no loops).</param>
    /// <param name="cancellationToken">The client's; cancelling it cancels the request at the host.</param>
    /// <exception cref="LlmUnavailableException">No host has an LLM, none has the model, or every one failed before answering.</exception>
    public async Task<LlmAnswer> OpenAsync(ChatRequest request, bool includePeers, CancellationToken cancellationToken)
    {
        if (includePeers)
        {
            // A person's message (requests from peers are counted by the node the person used).
            metrics.Request();
        }

        try
        {
            return await OpenCoreAsync(request, includePeers, cancellationToken);
        }
        catch (LlmUnavailableException ex)
        {
            metrics.Answer(request.Model, null, null, null, null, ex.StatusCode == StatusCodes.Status404NotFound ? "unknown_model" : "unavailable");
            throw;
        }
    }

    private async Task<LlmAnswer> OpenCoreAsync(ChatRequest request, bool includePeers, CancellationToken cancellationToken)
    {
        var model = ResolveModel(request.Model, includePeers)
            ?? throw new LlmUnavailableException(includePeers
                ? "No LLM is reachable in the mesh: no node has a running Ollama with a model"
                : "This node has no LLM");
        var all = Candidates(includePeers);
        var ranked = CandidateRanker.Rank(model, all);
        if (ranked.Count == 0)
        {
            if (all.Any(c => c.Capability.Serves(model)))
            {
                throw new LlmUnavailableException($"Every host of model '{model}' is failing; try again in {CircuitBreaker.OpenFor.TotalSeconds:0} s");
            }

            var available = all.SelectMany(c => c.Capability.Models).Select(m => m.Name).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            throw available.Count == 0
                ? new LlmUnavailableException("No LLM is reachable in the mesh: no node has a running Ollama with a model")
                : new LlmUnavailableException($"model '{model}' is not served by any node; available: {string.Join(", ", available)}", StatusCodes.Status404NotFound);
        }

        request.Stream = true;
        var failures = new List<string>();
        foreach (var candidate in ranked)
        {
            cancellationToken.ThrowIfCancellationRequested();
            request.Model = candidate.Capability.Find(model)?.Name ?? model;
            var (stream, failure) = await TryOpenAsync(candidate, request, cancellationToken);
            if (stream is not null)
            {
                return stream;
            }

            failures.Add($"{candidate.Host.Name}: {failure}");
        }

        throw new LlmUnavailableException($"No host could answer with '{model}': {string.Join("; ", failures)}");
    }

    /// <summary>Called once per answer that started: finished, failed mid-way (<paramref name="failure"/>), or stopped by the client.</summary>
    internal void Finished(LlmAnswer answer, bool succeeded, string? failure = null)
    {
        double? rate = answer.Final is { EvalCount: > 0, EvalDuration: > 0 } final ? final.EvalCount / (final.EvalDuration / 1e9) : null;
        metrics.Answer(answer.Model, answer.Host, answer.Elapsed.TotalMilliseconds, succeeded ? answer.TtftMs : null, succeeded ? rate : null,
            failure);
        if (failure is not null || succeeded)
        {
            Finished(answer.Host, answer.TtftMs, succeeded);
        }
    }

    private void Finished(LlmHost host, double ttftMs, bool succeeded)
    {
        if (host.IsLocal)
        {
            return;
        }

        var health = Health(host.NodeId);
        if (succeeded)
        {
            health.Breaker.Success();
            health.RecordTtft(ttftMs);
        }
        else
        {
            health.Breaker.Failure();
        }
    }

    private async Task<(LlmAnswer? Stream, string? Failure)> TryOpenAsync(LlmCandidate candidate, ChatRequest request, CancellationToken cancellationToken)
    {
        var host = candidate.Host;
        var health = host.IsLocal ? null : Health(host.NodeId);
        var http = host.IsLocal ? local.Http : clients.HttpFor(host.NodeId, candidate.Address!, candidate.Port);
        IDisposable slot = host.IsLocal ? local.Enter() : health!.Enter();
        var deadline = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        deadline.CancelAfter(_options.FirstTokenTimeout);
        var started = time.GetTimestamp();
        HttpResponseMessage? response = null;
        OllamaLineReader? lines = null;
        try
        {
            using (var message = new HttpRequestMessage(HttpMethod.Post, "api/chat")
            {
                Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(request, OllamaWireContext.Default.ChatRequest))
                {
                    Headers = { ContentType = new MediaTypeHeaderValue("application/json") },
                },
            })
            {
                response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            }

            response.EnsureSuccessStatusCode();
            lines = await OllamaLineReader.OpenAsync(response, linked.Token);
            if (!await lines.ReadAsync(null, default, linked.Token))
            {
                throw new LlmStreamException("the stream ended before the first token");
            }

            switch (lines.Kind)
            {
                case OllamaLineKind.Error:
                    throw new LlmStreamException(lines.Error ?? "an error");
                case OllamaLineKind.Invalid:
                    throw new LlmStreamException(lines.Error ?? "the answer is not Ollama's NDJSON");
            }

            var ttft = time.GetElapsedTime(started).TotalMilliseconds;
            return (new LlmAnswer(this, local, host, request.Model, lines, ttft, started, slot, deadline, linked,
                _options.StallTimeout, time, cancellationToken), null);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            var reason = deadline.IsCancellationRequested
                ? $"no first token within {_options.FirstTokenTimeout.TotalSeconds:0.###} s"
                : Describe(ex);
            await Release(response, lines, slot, deadline, linked);
            health?.Breaker.Failure();
            metrics.Failover();
            LogFailedOver(host.Name, host.NodeId[..Math.Min(12, host.NodeId.Length)], reason);
            return (null, reason);
        }
        catch (Exception ex)
        {
            await Release(response, lines, slot, deadline, linked);
            throw new OperationCanceledException("the client cancelled the request", ex, cancellationToken);
        }
    }

    private static async ValueTask Release(HttpResponseMessage? response, OllamaLineReader? lines, IDisposable slot, CancellationTokenSource deadline,
        CancellationTokenSource linked)
    {
        await linked.CancelAsync();
        try
        {
            if (lines is not null)
            {
                await lines.DisposeAsync();
            }
        }
        catch (Exception)
        {
            // The request is being abandoned; how its disposal went does not matter.
        }

        response?.Dispose();
        slot.Dispose();
        linked.Dispose();
        deadline.Dispose();
    }

    internal static string Describe(Exception exception) => exception switch
    {
        HttpRequestException { StatusCode: { } status } => $"HTTP {(int)status}",
        HttpRequestException { InnerException: { } inner } => inner.Message,
        _ => exception.Message,
    };

    private PeerHealth Health(string nodeId) => _health.GetOrAdd(nodeId, _ => new PeerHealth(time));

    private sealed class PeerHealth(TimeProvider time)
    {
        private int _outstanding;
        private double? _ttftMs;

        public CircuitBreaker Breaker { get; } = new(time);

        public int Outstanding => Volatile.Read(ref _outstanding);

        public double? TtftMs => _ttftMs;

        public IDisposable Enter()
        {
            Interlocked.Increment(ref _outstanding);
            return new Exit(this);
        }

        public void RecordTtft(double ms) => _ttftMs = _ttftMs is { } t ? t + (0.2 * (ms - t)) : ms;

        private sealed class Exit(PeerHealth owner) : IDisposable
        {
            private int _done;

            public void Dispose()
            {
                if (Interlocked.Exchange(ref _done, 1) == 0)
                {
                    Interlocked.Decrement(ref owner._outstanding);
                }
            }
        }
    }

    [LoggerMessage(EventId = 610, Level = LogLevel.Warning, Message = "LLM host '{Name}' ({NodeId}) could not answer ({Reason}); trying the next")]
    private partial void LogFailedOver(string name, string nodeId, string reason);
}
