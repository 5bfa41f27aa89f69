using System.Globalization;
using System.Net;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using MeshMind.Llm;
using MeshMind.Llm.Routing;

namespace MeshMind.Bench.Llm;

/// <summary>
/// Part 4: what choosing a host costs per chat. <see cref="Rank"/> orders prepared candidates; <see cref="CandidatesAndRank"/>
/// is what <see cref="LlmRouter.OpenAsync"/> does before its first attempt: snapshot the peer directory, build the candidates, rank.
/// </summary>
/// <remarks>
/// Every peer is linked, granted and serves three models; <c>llama3</c> (untagged, as clients send it) is loaded on every
/// other peer, and load and time to first token differ, so every ordering key is exercised.
/// </remarks>
[MemoryDiagnoser]
public class RoutingBenchmarks : IDisposable
{
    private InProcessNode? _node;
    private LlmHosts? _hosts;
    private IReadOnlyList<LlmCandidate> _candidates = [];

    [Params(1, 8, 64)]
    public int Peers { get; set; }

    /// <summary>Runs the benchmarks in this process (no generated project to build), short run, with allocations.</summary>
    public static int Run(string[] args)
    {
        var config = DefaultConfig.Instance
            .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance))
            .WithArtifactsPath(Path.Combine(Path.GetTempPath(), "meshmind-bench-artifacts"));
        var summary = BenchmarkRunner.Run<RoutingBenchmarks>(config, args);
        return summary.HasCriticalValidationErrors || summary.Reports.Any(r => !r.Success) ? 1 : 0;
    }

    [GlobalSetup]
    public void Setup()
    {
        _node = new InProcessNode("bench-routing");
        var peers = new LinkedPeers();
        for (var i = 0; i < Peers; i++)
        {
            ModelInfo[] models =
            [
                new("llama3:latest", Loaded: i % 2 == 0, 4_661_224_676, "llama", "8.0B"),
                new("phi3:mini", Loaded: i % 2 == 1, 2_176_178_913, "phi3", "3.8B"),
                new("mistral:7b", Loaded: false, 4_113_301_824, "mistral", "7B"),
            ];
            var nodeId = i.ToString("x64", CultureInfo.InvariantCulture);
            peers.Add(nodeId, $"peer-{i}", new IPAddress([10, 0, (byte)(i / 250), (byte)((i % 250) + 1)]), 7878, models,
                inFlight: i % 5, ttftMs: 20 + ((i * 37) % 200));
        }

        _hosts = _node.Hosts(peers);
        _candidates = _hosts.Candidates();
        if (_candidates.Count != Peers || CandidatesAndRank() != Peers)
        {
            throw new InvalidOperationException($"expected {Peers} candidates serving llama3, got {_candidates.Count}");
        }
    }

    [Benchmark]
    public int Rank() => CandidateRanker.Rank("llama3", _candidates).Count;

    [Benchmark]
    public int CandidatesAndRank() => CandidateRanker.Rank("llama3", _hosts!.Candidates()).Count;

    [GlobalCleanup]
    public void Dispose()
    {
        _node?.Dispose();
        _node = null;
        GC.SuppressFinalize(this);
    }
}
