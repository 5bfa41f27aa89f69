using MeshMind.Llm.Local;
using MeshMind.Llm.Ollama;
using MeshMind.Llm.Pipeline;
using MeshMind.Mesh.Transport;
using Microsoft.Extensions.Options;

namespace MeshMind.Llm.Routing;

/// <summary>
/// Chooses the host for each chat (DESIGN §6) and opens the answer: ranks the candidates and tries them in order,
/// failing over on a connect error, an error status or a timeout until one sends its first chunk. After that the answer is
/// committed to that host, and <see cref="LlmAnswer"/> reports any later failure as an error, never as a finished answer.
/// </summary>
/// <remarks>
/// The router is not called back by the answers it opens: how an answer went reaches the pipeline's
/// <see cref="IAnswerObserver"/>s (metrics, <see cref="HostHealth"/>, the local LLM's averages) from the answer itself.
/// </remarks>
internal sealed partial class LlmRouter(
    LlmHosts hosts,
    LocalLlm local,
    HostHealth health,
    PeerHttpClients peers,
    LlmMetrics metrics,
    IEnumerable<IAnswerObserver> observers,
    IOptions<LlmOptions> options,
    TimeProvider time,
    ILogger<LlmRouter> logger)
{
    private readonly LlmOptions _options = options.Value;
    private readonly IAnswerObserver[] _observers = [.. observers];

    /// <summary>Opens an answer for <paramref name="request"/> on the best host that starts one.</summary>
    /// <param name="request">The chat; its model is resolved and named as each host names it.</param>
    /// <param name="includePeers">False for requests that came from a peer: they are served here or not at all (no loops).</param>
    /// <param name="cancellationToken">The client's; cancelling it cancels the request at the host.</param>
    /// <param name="choice">A host to use or to keep off, if the person chose.</param>
    /// <exception cref="LlmUnavailableException">No host has an LLM, none has the model (or none the choice leaves), or every one failed before answering.</exception>
    public async Task<LlmAnswer> OpenAsync(LlmRequest request, bool includePeers, CancellationToken cancellationToken, HostChoice? choice = null)
    {
        if (includePeers)
        {
            // A person's message (requests from peers are counted by the node the person used).
            metrics.Request();
        }

        try
        {
            return await OpenCoreAsync(request, includePeers, choice, cancellationToken);
        }
        catch (LlmUnavailableException ex)
        {
            metrics.Answer(request.Model, null, null, null, null, ex.StatusCode == StatusCodes.Status404NotFound ? "unknown_model" : "unavailable");
            throw;
        }
    }

    private async Task<LlmAnswer> OpenCoreAsync(LlmRequest request, bool includePeers, HostChoice? choice, CancellationToken cancellationToken)
    {
        var model = hosts.ResolveModel(request.Model, includePeers)
            ?? throw new LlmUnavailableException(includePeers
                ? "No LLM is reachable in the mesh: no node has a running Ollama with a model"
                : "This node has no LLM", reason: LlmUnavailableException.NoLlm);
        var ranked = Rank(model, includePeers, choice);
        var failures = new List<string>();
        foreach (var candidate in ranked)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (answer, failure) = await TryOpenAsync(candidate, request with { Model = candidate.Capability.Find(model)?.Name ?? model }, cancellationToken);
            if (answer is not null)
            {
                return answer;
            }

            failures.Add($"{candidate.Host.Name}: {failure}");
        }

        throw new LlmUnavailableException($"No host could answer with '{model}': {string.Join("; ", failures)}");
    }

    /// <summary>
    /// Computes embeddings on the best host with <paramref name="request"/>'s model, ranked as chats are, failing over to the
    /// next on a connect error, an error status or no answer within <see cref="LlmOptions.FirstTokenTimeout"/>.
    /// </summary>
    /// <param name="request">The texts; its model is named as each host names it.</param>
    /// <param name="includePeers">False for requests that came from a peer: they are served here or not at all (no loops).</param>
    /// <param name="cancellationToken">The client's; cancelling it cancels the request at the host.</param>
    /// <exception cref="LlmUnavailableException">No host has an LLM, none has the model, or every one failed.</exception>
    public async Task<EmbedResult> EmbedAsync(EmbedRequest request, bool includePeers, CancellationToken cancellationToken)
    {
        var ranked = Rank(request.Model, includePeers, choice: null);
        var failures = new List<string>();
        foreach (var candidate in ranked)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var host = candidate.Host;
            var peer = host.IsLocal ? null : health.Of(host.NodeId);
            using var slot = peer is null ? local.Enter() : peer.Enter();
            using var deadline = new CancellationTokenSource(_options.FirstTokenTimeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
            try
            {
                var result = await BackendFor(candidate).EmbedAsync(request with { Model = candidate.Capability.Find(request.Model)?.Name ?? request.Model },
                    linked.Token);
                peer?.Breaker.Success();
                return result with { Host = host };
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                var reason = deadline.IsCancellationRequested
                    ? $"no answer within {_options.FirstTokenTimeout.TotalSeconds:0.###} s"
                    : LlmStreamException.Describe(ex);
                peer?.Breaker.Failure();
                metrics.Failover();
                LogFailedOver(host.Name, host.NodeId[..Math.Min(12, host.NodeId.Length)], reason);
                failures.Add($"{host.Name}: {reason}");
            }
        }

        throw new LlmUnavailableException($"No host could embed with '{request.Model}': {string.Join("; ", failures)}");
    }

    /// <summary>The hosts to try for <paramref name="model"/>, best first (see <see cref="CandidateRanker"/>), as the choice leaves them.</summary>
    /// <exception cref="LlmUnavailableException">No host has an LLM, none serves the model, or none the choice leaves.</exception>
    private IReadOnlyList<LlmCandidate> Rank(string model, bool includePeers, HostChoice? choice)
    {
        var all = hosts.Candidates(includePeers);
        var ranked = CandidateRanker.Rank(model, all);
        if (ranked.Count == 0)
        {
            var available = all.SelectMany(c => c.Capability.Models).Select(m => m.Name).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            throw available.Count == 0
                ? new LlmUnavailableException("No LLM is reachable in the mesh: no node has a running Ollama with a model", reason: LlmUnavailableException.NoLlm)
                : new LlmUnavailableException($"model '{model}' is not served by any node; available: {string.Join(", ", available)}",
                    StatusCodes.Status404NotFound, LlmUnavailableException.UnknownModel);
        }

        if (choice is not null)
        {
            ranked = choice.Apply(ranked);
            if (ranked.Count == 0)
            {
                throw choice.Only is not null
                    ? new LlmUnavailableException($"the chosen host does not serve '{model}' now", reason: LlmUnavailableException.HostUnavailable)
                    : new LlmUnavailableException($"no other host serves '{model}' now", reason: LlmUnavailableException.NoOtherHost);
            }
        }

        return ranked;
    }

    /// <summary>This node's backend, or a peer's mesh port (which speaks Ollama's API).</summary>
    private ILlmBackend BackendFor(LlmCandidate candidate) =>
        candidate.Host.IsLocal ? local.Backend : new OllamaBackend(peers.HttpFor(candidate.Host.NodeId, candidate.Address!, candidate.Port));

    private async Task<(LlmAnswer? Answer, string? Failure)> TryOpenAsync(LlmCandidate candidate, LlmRequest request, CancellationToken cancellationToken)
    {
        var host = candidate.Host;
        var peer = host.IsLocal ? null : health.Of(host.NodeId);
        var backend = BackendFor(candidate);
        var slot = peer is null ? local.Enter() : peer.Enter();
        var deadline = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        deadline.CancelAfter(_options.FirstTokenTimeout);
        var started = time.GetTimestamp();
        BackendAnswer? answer = null;
        try
        {
            answer = await backend.SendAsync(request, linked.Token);
            if (!await answer.ReadAsync(null, default, linked.Token))
            {
                throw new LlmStreamException("the stream ended before the first token");
            }

            switch (answer.Piece)
            {
                case AnswerPiece.Error:
                    throw new LlmStreamException(answer.Error ?? "an error");
                case AnswerPiece.Invalid:
                    throw new LlmStreamException(answer.Error ?? "an answer that is not its protocol's");
            }

            var ttft = time.GetElapsedTime(started).TotalMilliseconds;
            return (new LlmAnswer(answer, host, request.Model, ttft, started, slot, deadline, linked, _options.StallTimeout, time, _observers,
                cancellationToken), null);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            var reason = deadline.IsCancellationRequested
                ? $"no first token within {_options.FirstTokenTimeout.TotalSeconds:0.###} s"
                : LlmStreamException.Describe(ex);
            await ReleaseAsync(answer, slot, deadline, linked);
            peer?.Breaker.Failure();
            metrics.Failover();
            LogFailedOver(host.Name, host.NodeId[..Math.Min(12, host.NodeId.Length)], reason);
            return (null, reason);
        }
        catch (Exception ex)
        {
            await ReleaseAsync(answer, slot, deadline, linked);
            throw new OperationCanceledException("the client cancelled the request", ex, cancellationToken);
        }
    }

    private static async ValueTask ReleaseAsync(BackendAnswer? answer, IDisposable slot, CancellationTokenSource deadline, CancellationTokenSource linked)
    {
        await linked.CancelAsync();
        try
        {
            if (answer is not null)
            {
                await answer.DisposeAsync();
            }
        }
        catch (Exception)
        {
            // The request is being abandoned; how its disposal went does not matter.
        }

        slot.Dispose();
        linked.Dispose();
        deadline.Dispose();
    }

    [LoggerMessage(EventId = 610, Level = LogLevel.Warning, Message = "LLM host '{Name}' ({NodeId}) could not answer ({Reason}); trying the next")]
    private partial void LogFailedOver(string name, string nodeId, string reason);
}
