using MeshMind.Bench;
using MeshMind.Bench.Analytics;
using MeshMind.Bench.Chaos;
using MeshMind.Bench.Files;
using MeshMind.Bench.Knowledge;
using MeshMind.Bench.Llm;
using MeshMind.Bench.Models;

// Benchmarks that print numbers. They only ever talk to 127.0.0.1.
//   startup EXE [--runs 5] [--idle-seconds 60]   time to first 200 on /healthz, and idle RSS
//   mesh [--hosts 5] [--idle-seconds 60]          mesh timings in a network-namespace lab (root)
//   scale [--nodes 10] [--settle-seconds 60] [--idle-seconds 60] [--limit-seconds 300]
//                                                 N nodes started together: to healthy, to full mesh, idle CPU, RSS and control
//                                                 bytes per node, a newcomer's links, a kill seen (root)
//   overlay [--nodes 500,2000] [--degree 8] [--host-links 2] [--host-percent 5] [--models 5] [--gossip-ms 1000] [--ping-seconds 5]
//           [--hop-us 2000] [--seed 20]          a model of the bounded-degree overlay (README, "Past a full mesh"), in process
//   overlay --real [--nodes 500,2000] [--max-links 8] [--ping-seconds 5] [--host-percent 5] [--window 30] [--timeout 600] [--seed 20]
//                                             the node's own link code (Mesh:MaxLinks; 0 = full mesh) over an in-memory transport
//   llm [--requests 300] [--concurrent-requests 1000] [--concurrency 32] [--warmup 200] [--reply-tokens 20]
//       [--long-tokens 20000] [--long-runs 5] [--rates 1000,5000,20000] [--paced-seconds 2] [--paced-runs 3] [--failovers 300]
//       [--model-rate 100] [--model-requests 960]  (part 1 again at concurrency 32 with the fixture paced at a model's rate; 0 skips)
//       [--load-seconds S]  (only a load through T at the concurrency, after warm-up, for attaching a profiler)
//                                                 chat through a peer vs straight to the LLM, streaming throughput, failover
//   files [--size-mib 1024] [--runs 3] [--peers 10] [--files 1000] [--listings 300] [--stale-runs 3] [--cold-runs 10] [--settle 1]
//                                                 upload/download of a large file, direct and through a peer; listing latency
//   search [--nodes 5] [--files 200] [--max-kib 256] [--queries 200] [--hung-queries 10] [--netns]
//                                                 issue 19: indexing MB/s, /api/search p50/p95 and recall@10 vs one index, a hung peer
//   modelcopy [--size-mib 1024] [--runs 3] [--sources 1] [--netns]  a model copied between nodes (from N holders at once) vs a proxied file of the same size; resume after kill -9; --netns: between two namespace hosts (root)
//   routing [BenchmarkDotNet options]             cost of ranking LLM hosts (BenchmarkDotNet, in process)
//   perf-middleware [--rounds 5] [--seconds 10] [--concurrency 32] [--warmup-seconds 3] [--pin 1]
//                                                 requests/s and CPU per request of GET /api/status with and without PerfMiddleware
//   perf-middleware-micro [BenchmarkDotNet options]  PerfMiddleware.InvokeAsync around a trivial endpoint (in process)
//   chaos fuzz [--inputs 1000000] [--seed S]      generated inputs through every network-facing parser: crashes, allocation
//   chaos churn [--kills 14] [--chats 1000] [--clients 6] [--seed S]   LLM hosts killed -9 and restarted while clients chat (root)
//   chaos crash [--rounds 100] [--seed S]          kill -9 during uploads, pins, chat sync and secret rotation; databases checked (root)
//   chaos partition [--runs 3]                    a host cut off for 20 s, then healed: down, relinked, converged (root)
//   chaos load [--chats 250,500,1000,1000] [--rate 20] [--reply-tokens 60] [--direct 1] [--idle 2000] [--hold-seconds 140]
//              [--mesh-idle 2000] [--mesh-hold-seconds 30] [--baseline-seconds 15] [--user-interval-ms 100] [--user-reply-tokens 20]
//                                                 N streamed chats at once through a node, errors, RSS and CPU per chat; a user's
//                                                 latency while thousands of idle connections are held
return args switch
{
    ["startup", var executable, .. var rest] => await StartupBenchmark.RunAsync(executable, rest),
    ["mesh", .. var rest] => await MeshBenchmark.RunAsync(rest),
    ["scale", .. var rest] => await ScaleBenchmark.RunAsync(rest),
    ["overlay", .. var rest] when rest.Contains("--real") => await RealOverlayBenchmark.RunAsync(rest),
    ["overlay", .. var rest] => OverlayBenchmark.Run(rest),
    ["llm", .. var rest] => await LlmBenchmark.RunAsync(rest),
    ["files", .. var rest] => await FilesBenchmark.RunAsync(rest),
    ["modelcopy", .. var rest] => await ModelCopyBenchmark.RunAsync(rest),
    ["search", .. var rest] => await SearchBenchmark.RunAsync(rest),
    ["routing", .. var rest] => RoutingBenchmarks.Run(rest),
    ["schedule", .. var rest] => await ScheduleBenchmark.RunAsync(rest),
    ["perf-middleware", .. var rest] => await MiddlewareBenchmark.RunAsync(rest),
    ["perf-middleware-micro", .. var rest] => PerfMiddlewareBenchmarks.Run(rest),
    ["chaos", "fuzz", .. var rest] => FuzzBenchmark.Run(rest),
    ["chaos", "churn", .. var rest] => await ChurnBenchmark.RunAsync(rest),
    ["chaos", "crash", .. var rest] => await CrashBenchmark.RunAsync(rest),
    ["chaos", "partition", .. var rest] => await PartitionBenchmark.RunAsync(rest),
    ["chaos", "load", .. var rest] => await LoadBenchmark.RunAsync(rest),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: MeshMind.Bench startup PATH/TO/meshmind[.dll] [--runs N] [--idle-seconds S]");
    Console.Error.WriteLine("       MeshMind.Bench mesh [--hosts N] [--idle-seconds S]   (root: builds a network-namespace lab)");
    Console.Error.WriteLine("       MeshMind.Bench scale [--nodes N] [--settle-seconds S] [--idle-seconds S] [--limit-seconds S]   (root)");
    Console.Error.WriteLine("       MeshMind.Bench overlay --real [--nodes N1,N2] [--max-links K] [--ping-seconds S] [--host-percent P] [--window S] [--timeout S] [--seed S]");
    Console.Error.WriteLine("       MeshMind.Bench overlay [--nodes N1,N2] [--degree K] [--host-links H] [--host-percent P] [--models M] [--gossip-ms MS] [--ping-seconds S] [--hop-us US] [--seed S]");
    Console.Error.WriteLine("       MeshMind.Bench llm [--requests N] [--concurrent-requests N] [--concurrency C] [--warmup N] [--reply-tokens N]");
    Console.Error.WriteLine("                          [--long-tokens N] [--long-runs N] [--rates R1,R2,...] [--paced-seconds S] [--paced-runs N] [--failovers N]");
    Console.Error.WriteLine("                          [--model-rate TOKENS_PER_S] [--model-requests N] [--load-seconds S]");
    Console.Error.WriteLine("       MeshMind.Bench files [--size-mib N] [--runs N] [--peers N] [--files N] [--listings N] [--stale-runs N] [--cold-runs N] [--settle 0|1]");
    Console.Error.WriteLine("       MeshMind.Bench modelcopy [--size-mib N] [--runs N] [--sources N] [--netns]");
    Console.Error.WriteLine("       MeshMind.Bench search [--nodes N] [--files N] [--max-kib N] [--queries N] [--hung-queries N] [--netns]");
    Console.Error.WriteLine("       MeshMind.Bench routing [BenchmarkDotNet options, e.g. --filter '*Rank*']");
    Console.Error.WriteLine("       MeshMind.Bench schedule [--rounds N] [--seconds S] [--moderate-users N] [--overload-users N] [--reply-tokens N] [--think-ms MS] [--overload-think-ms MS] [--document-chars N] [--hosts mixed|equal] [--strategies meshmind,meshmind-not-sticky,least-connections,round-robin,local-first]");
    Console.Error.WriteLine("       MeshMind.Bench perf-middleware [--rounds N] [--seconds S] [--concurrency C] [--warmup-seconds S] [--pin 0|1]");
    Console.Error.WriteLine("       MeshMind.Bench perf-middleware-micro [BenchmarkDotNet options]");
    Console.Error.WriteLine("       MeshMind.Bench chaos fuzz [--inputs N] [--seed S]");
    Console.Error.WriteLine("       MeshMind.Bench chaos churn [--kills N] [--chats N] [--clients N] [--seed S]   (root)");
    Console.Error.WriteLine("       MeshMind.Bench chaos crash [--rounds N] [--seed S]   (root)");
    Console.Error.WriteLine("       MeshMind.Bench chaos partition [--runs N]   (root)");
    Console.Error.WriteLine("       MeshMind.Bench chaos load [--chats N1,N2,...] [--rate TOKENS_PER_S] [--reply-tokens N] [--direct 0|1] [--idle N] [--hold-seconds S]");
    Console.Error.WriteLine("                                 [--mesh-idle N] [--mesh-hold-seconds S] [--baseline-seconds S] [--user-interval-ms MS] [--user-reply-tokens N]");
    return 2;
}
