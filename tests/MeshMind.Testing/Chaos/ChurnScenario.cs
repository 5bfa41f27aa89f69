using System.Collections.Concurrent;
using System.Diagnostics;

namespace MeshMind.Testing.Chaos;

/// <summary>
/// Churn (issue 14's chaos suite): three LLM hosts (each a node with a fake Ollama) and two client nodes without an LLM, in
/// a network-namespace lab. Clients stream chats through both client nodes and all three APIs while a host chosen at random
/// is killed with -9, stays down a random 1.5–4 s, is restarted, and serves again before the next kill, so at least two
/// hosts are always alive. The mesh keeps its default ping (5 s): a killed host stays a candidate for seconds.
/// </summary>
public static class ChurnScenario
{
    public const string Model = "llama3:latest";
    public const string Secret = "churn-lab-secret-0123456789abcdef";

    /// <summary>The longest any one wait of the run may take (a full mesh, a host serving again).</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(45);

    /// <summary>Each chat is cut off after this: a chat that takes longer has hung.</summary>
    public static readonly TimeSpan RequestLimit = TimeSpan.FromSeconds(15);

    /// <summary>A fake Ollama token every 20 ms: a reply of ~10 tokens streams for about 0.2 s.</summary>
    private static readonly TimeSpan s_tokenDelay = TimeSpan.FromMilliseconds(20);

    /// <summary>Chats that must end while a host is down, and again once it is back, before the run moves on.</summary>
    private const int ChatsPerPhase = 6;

    public static async Task<ChurnReport> RunAsync(NamespaceLab lab, int subnet, ChurnOptions options, Action<string>? log = null,
        CancellationToken cancellationToken = default)
    {
        var seed = options.Seed ?? Environment.TickCount;
        var random = new Random(seed);
        var network = await lab.AddSwitchAsync(subnet);
        var hosts = new List<LabNode>();
        for (var i = 0; i < 3; i++)
        {
            var host = await lab.AddHostAsync(network, 11 + i);
            var ollama = await lab.StartFakeOllamaAsync(host, s_tokenDelay, [Model], cancellationToken);
            hosts.Add(await lab.StartNodeAsync(host, $"llm{i + 1}", Secret, ["--ollama-url", ollama.BaseAddress.ToString()], cancellationToken: cancellationToken));
        }

        var clients = new List<LabNode>();
        for (var i = 0; i < 2; i++)
        {
            var host = await lab.AddHostAsync(network, 21 + i);
            clients.Add(await lab.StartNodeAsync(host, $"client{i + 1}", Secret, ["--ollama-url", NoLlm], cancellationToken: cancellationToken));
        }

        await LabMesh.WaitForFullMeshAsync([.. hosts, .. clients], Timeout, cancellationToken);
        var hostIds = hosts.Select(h => h.NodeId!).Order(StringComparer.Ordinal).ToList();
        foreach (var client in clients)
        {
            await Poll.UntilAsync(async () => (await LabMesh.HostsOfModelAsync(client, Model, cancellationToken)).SequenceEqual(hostIds), Timeout,
                $"{client.Name} to see {Model} on all three hosts", cancellationToken);
        }

        log?.Invoke($"churn: mesh of 3 LLM hosts and 2 clients formed; {options.Clients} clients chat, seed {seed}");
        var outcomes = new ConcurrentQueue<ChatOutcome>();
        var clock = Stopwatch.StartNew();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var loops = Enumerable.Range(0, options.Clients).Select(k => Task.Run(async () =>
        {
            var node = clients[k % clients.Count];
            var api = (ChatApi)(k % 3);
            var name = $"client {k + 1} ({node.Name}, {api})";
            for (var i = 1; !stop.IsCancellationRequested; i++)
            {
                outcomes.Enqueue(await ChaosChat.SendAsync(node, api, name, Model, $"client {k + 1} question {i}", RequestLimit, CancellationToken.None));
            }
        }, CancellationToken.None)).ToList();

        var kills = new List<ChurnKill>();
        try
        {
            while (kills.Count < options.MinKills || outcomes.Count < options.MinChats)
            {
                var victim = hosts[random.Next(hosts.Count)];
                var before = outcomes.Count;
                var killedAt = Stopwatch.GetTimestamp();
                await victim.KillAsync();
                var deadAt = Stopwatch.GetTimestamp();
                // How long the host stays dead is the fault's length, drawn at random: not a wait for a condition.
                await Task.Delay(TimeSpan.FromMilliseconds(random.Next(1_500, 4_000)), cancellationToken);
                await Poll.UntilAsync(() => outcomes.Count >= before + ChatsPerPhase, Timeout, $"{ChatsPerPhase} chats with {victim.Name} killed",
                    cancellationToken);

                var restartedAt = Stopwatch.GetTimestamp();
                await victim.StartAsync(cancellationToken);
                await Poll.UntilAsync(() => outcomes.Any(o => o.Started > restartedAt && o.Host == victim.NodeId && o.Kind == ChatOutcome.Answered), Timeout,
                    $"{victim.Name} to answer a chat again after its restart", cancellationToken);
                kills.Add(new ChurnKill(victim.Name, victim.NodeId!, killedAt, deadAt, restartedAt, Stopwatch.GetElapsedTime(restartedAt)));
                var served = outcomes.Count;
                await Poll.UntilAsync(() => outcomes.Count >= served + ChatsPerPhase, Timeout, $"{ChatsPerPhase} more chats with {victim.Name} back",
                    cancellationToken);
                log?.Invoke($"  kill {kills.Count}: {victim.Name}, serving again {kills[^1].Recovery.TotalSeconds:0.0} s after its restart; {outcomes.Count} chats so far");
            }
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(loops);
        }

        return new ChurnReport([.. outcomes], kills, seed, clock.Elapsed);
    }

    /// <summary>An Ollama URL where nothing listens: a node started with it has no LLM of its own.</summary>
    public const string NoLlm = "http://127.0.0.1:9";
}
