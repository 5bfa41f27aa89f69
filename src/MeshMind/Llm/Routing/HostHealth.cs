using System.Collections.Concurrent;
using MeshMind.Llm.Pipeline;

namespace MeshMind.Llm.Routing;

/// <summary>
/// How each peer host has done for this node, keyed by node id: its circuit breaker, the requests this node has open
/// there, and the time to first token it has seen from it. Read by the ranking, told by the answers (a pipeline stage).
/// </summary>
internal sealed class HostHealth(TimeProvider time) : IAnswerObserver
{
    private readonly ConcurrentDictionary<string, Peer> _peers = new(StringComparer.Ordinal);

    public Peer Of(string nodeId) => _peers.GetOrAdd(nodeId, _ => new Peer(time));

    public void Finished(LlmAnswer answer, bool succeeded, string? failure)
    {
        if (answer.Host.IsLocal || (failure is null && !succeeded))
        {
            // The local LLM has no breaker; an answer the client stopped reading says nothing of the host.
            return;
        }

        var peer = Of(answer.Host.NodeId);
        if (succeeded)
        {
            peer.Breaker.Success();
            peer.RecordTtft(answer.TtftMs);
        }
        else
        {
            peer.Breaker.Failure();
        }
    }

    /// <summary>One peer's record.</summary>
    public sealed class Peer(TimeProvider time)
    {
        private int _outstanding;
        private int _others;
        private double? _ttftMs;

        public CircuitBreaker Breaker { get; } = new(time);

        /// <summary>Requests this node has open at the peer now.</summary>
        public int Outstanding => Volatile.Read(ref _outstanding);

        /// <summary>
        /// Requests the peer serves for others, as of its last report: what it said it serves beyond the requests this node had
        /// open there when the report came.
        /// </summary>
        public int Others => Volatile.Read(ref _others);

        /// <summary>The peer reported serving <paramref name="inFlight"/> requests in all, <paramref name="mine"/> of them for this node.</summary>
        /// <param name="inFlight">Every request the peer serves.</param>
        /// <param name="mine">How many of them this node sent, as the peer counted them when it reported (0 when it named others but
        /// not this node); null from a peer that does not say (older version): then what this node has open there now is taken
        /// instead, which counts one too many for a while when one of this node's requests ended after the report was sent.</param>
        public void Reported(int inFlight, int? mine = null) => Volatile.Write(ref _others, Math.Max(0, inFlight - (mine ?? Outstanding)));

        /// <summary>Time to first token as this node has seen it from the peer (running average), if any.</summary>
        public double? TtftMs => _ttftMs;

        /// <summary>Counts a request open at the peer until the returned scope is disposed.</summary>
        public IDisposable Enter()
        {
            Interlocked.Increment(ref _outstanding);
            return new Exit(this);
        }

        public void RecordTtft(double ms) => _ttftMs = _ttftMs is { } t ? t + (0.2 * (ms - t)) : ms;

        private sealed class Exit(Peer owner) : IDisposable
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
}
