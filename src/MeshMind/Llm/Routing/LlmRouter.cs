using MeshMind.Llm.Local;
using MeshMind.Llm.Ollama;
using MeshMind.Llm.Pipeline;
using MeshMind.Llm.Scheduling;
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
    LlmScheduler scheduler,
    PeerHttpClients peers,
    LlmMetrics metrics,
    IEnumerable<IAnswerObserver> observers,
    IOptions<LlmOptions> options,
    TimeProvider time,
    ILogger<LlmRouter> logger)
{
    private readonly LlmOptions _options = options.Value;
    private readonly IAnswerObserver[] _observers = [.. observers];
    private int _roundRobin;

    /// <summary>Opens an answer for <paramref name="request"/> on the best host that starts one (as <c>Llm:Routing</c> chooses).</summary>
    /// <param name="request">The chat; its model is resolved and named as each host names it.</param>
    /// <param name="includePeers">False for requests that came from a peer: they are served here or not at all (no loops).</param>
    /// <param name="cancellationToken">The client's; cancelling it cancels the request at the host.</param>
    /// <param name="choice">A host to use or to keep off, if the person chose.</param>
    /// <param name="origin">Who asks (people take turns when chats wait) and whom to tell the chat's place while it waits.</param>
    /// <exception cref="LlmUnavailableException">No host has an LLM, none has the model (or none the choice leaves), every one
    /// failed before answering, or every host stayed busy.</exception>
    public async Task<LlmAnswer> OpenAsync(LlmRequest request, bool includePeers, CancellationToken cancellationToken, HostChoice? choice = null,
        RequestOrigin? origin = null)
    {
        if (includePeers)
        {
            // A person's message (requests from peers are counted by the node the person used).
            metrics.Request();
        }

        try
        {
            return await OpenCoreAsync(request, includePeers, choice, origin, cancellationToken);
        }
        catch (LlmUnavailableException ex)
        {
            metrics.Answer(request.Model, null, null, null, null, ex.StatusCode == StatusCodes.Status404NotFound ? "unknown_model" : "unavailable");
            throw;
        }
    }

    private async Task<LlmAnswer> OpenCoreAsync(LlmRequest request, bool includePeers, HostChoice? choice, RequestOrigin? origin,
        CancellationToken cancellationToken)
    {
        var model = hosts.ResolveModel(request.Model, includePeers)
            ?? throw new LlmUnavailableException(includePeers
                ? "No LLM is reachable in the mesh: no node has a running Ollama with a model"
                : "This node has no LLM", reason: LlmUnavailableException.NoLlm);
        if (includePeers && _options.Routing == RoutingStrategy.MeshMind)
        {
            return await ScheduleAsync(request, model, choice, origin, cancellationToken);
        }

        var ranked = Rank(model, includePeers, choice);
        if (includePeers)
        {
            ranked = _options.Routing switch
            {
                RoutingStrategy.RoundRobin => RoundRobin(ranked),
                RoutingStrategy.LeastConnections => LeastConnections(ranked),
                _ => ranked,
            };
        }

        var failures = new List<string>();
        foreach (var candidate in ranked)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (answer, failure) = await TryOpenAsync(candidate, request with { Model = candidate.Capability.Find(model)?.Name ?? model }, slot: null,
                _options.FirstTokenTimeout, origin?.Peer, cancellationToken);
            if (answer is not null)
            {
                return answer;
            }

            failures.Add($"{candidate.Host.Name}: {failure}");
        }

        throw new LlmUnavailableException($"No host could answer with '{model}': {string.Join("; ", failures)}");
    }

    /// <summary>
    /// <c>meshmind</c> routing: waits for <see cref="LlmScheduler"/> to give the chat a host's slot, and fails over by waiting
    /// again, first in line, without the hosts that failed.
    /// </summary>
    private async Task<LlmAnswer> ScheduleAsync(LlmRequest request, string model, HostChoice? choice, RequestOrigin? origin,
        CancellationToken cancellationToken)
    {
        var failed = new HashSet<string>(StringComparer.Ordinal);
        var failures = new List<string>();
        IReadOnlyList<LlmCandidate> Candidates()
        {
            var ranked = Rank(model, includePeers: true, choice);
            if (failed.Count == 0)
            {
                return ranked;
            }

            var left = ranked.Where(c => !failed.Contains(c.Host.NodeId)).ToList();
            return left.Count > 0 ? left : throw new LlmUnavailableException($"No host could answer with '{model}': {string.Join("; ", failures)}");
        }

        while (true)
        {
            var waiting = new LlmScheduler.Waiting(origin?.Client ?? RequestOrigin.Anonymous, model, request.Messages, request.Options?.MaxTokens,
                Candidates, origin?.Queued, first: failed.Count > 0);
            var dispatch = await scheduler.AcquireAsync(waiting, cancellationToken);
            var candidate = dispatch.Candidate;
            var timeout = dispatch.Loading && _options.LoadTimeout > _options.FirstTokenTimeout ? _options.LoadTimeout : _options.FirstTokenTimeout;
            var (answer, failure) = await TryOpenAsync(candidate, request with { Model = candidate.Capability.Find(model)?.Name ?? model }, dispatch,
                timeout, requester: null, cancellationToken);
            if (answer is not null)
            {
                return answer;
            }

            failed.Add(candidate.Host.NodeId);
            failures.Add($"{candidate.Host.Name}: {failure}");
        }
    }

    /// <summary>Olla's and OllamaFlow's round robin: the hosts in turn (in node id order), whatever their load.</summary>
    private IReadOnlyList<LlmCandidate> RoundRobin(IReadOnlyList<LlmCandidate> ranked)
    {
        if (ranked.Count < 2)
        {
            return ranked;
        }

        var ordered = ranked.OrderBy(c => c.Host.NodeId, StringComparer.Ordinal).ToList();
        var start = (int)((uint)Interlocked.Increment(ref _roundRobin) % (uint)ordered.Count);
        return [.. ordered.Skip(start), .. ordered.Take(start)];
    }

    /// <summary>Olla's and OllamaFlow's least connections: the host with the fewest requests open from this node (ties in node id order).</summary>
    private IReadOnlyList<LlmCandidate> LeastConnections(IReadOnlyList<LlmCandidate> ranked) =>
        ranked.Count < 2 ? ranked : [.. ranked.OrderBy(c => c.Host.IsLocal ? local.InFlight : health.Of(c.Host.NodeId).Outstanding)
            .ThenBy(c => c.Host.NodeId, StringComparer.Ordinal)];

    /// <summary>
    /// Computes embeddings on the best host with <paramref name="request"/>'s model, ranked as chats are, failing over to the
    /// next on a connect error, an error status or no answer within <see cref="LlmOptions.FirstTokenTimeout"/>.
    /// </summary>
    /// <param name="request">The texts; its model is named as each host names it.</param>
    /// <param name="includePeers">False for requests that came from a peer: they are served here or not at all (no loops).</param>
    /// <param name="cancellationToken">The client's; cancelling it cancels the request at the host.</param>
    /// <param name="requester">The peer that sent the request over the mesh, if one did.</param>
    /// <exception cref="LlmUnavailableException">No host has an LLM, none has the model, or every one failed.</exception>
    public async Task<EmbedResult> EmbedAsync(EmbedRequest request, bool includePeers, CancellationToken cancellationToken, string? requester = null)
    {
        var ranked = Rank(request.Model, includePeers, choice: null);
        var failures = new List<string>();
        foreach (var candidate in ranked)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var host = candidate.Host;
            var peer = host.IsLocal ? null : health.Of(host.NodeId);
            using var slot = peer is null ? local.Enter(requester) : peer.Enter();
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

    /// <summary>Sends <paramref name="request"/> to <paramref name="candidate"/> and waits for its first token.</summary>
    /// <param name="candidate">The host.</param>
    /// <param name="request">The chat, with the model as the host names it.</param>
    /// <param name="slot">The host's slot the scheduler gave the chat; null: count one here.</param>
    /// <param name="firstTokenTimeout">How long the host may take to its first token.</param>
    /// <param name="requester">The peer that sent the request over the mesh, if one did (this node's LLM counts it as that peer's).</param>
    /// <param name="cancellationToken">The client's.</param>
    private async Task<(LlmAnswer? Answer, string? Failure)> TryOpenAsync(LlmCandidate candidate, LlmRequest request, IDisposable? slot,
        TimeSpan firstTokenTimeout, string? requester, CancellationToken cancellationToken)
    {
        var host = candidate.Host;
        var peer = host.IsLocal ? null : health.Of(host.NodeId);
        var backend = BackendFor(candidate);
        slot ??= peer is null ? local.Enter(requester) : peer.Enter();
        var deadline = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        deadline.CancelAfter(firstTokenTimeout);
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

            (slot as LlmScheduler.Dispatch)?.Answering();
            var ttft = time.GetElapsedTime(started).TotalMilliseconds;
            return (new LlmAnswer(answer, host, request.Model, ttft, started, slot, deadline, linked, _options.StallTimeout, time, _observers,
                cancellationToken), null);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            var reason = deadline.IsCancellationRequested
                ? $"no first token within {firstTokenTimeout.TotalSeconds:0.###} s"
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
