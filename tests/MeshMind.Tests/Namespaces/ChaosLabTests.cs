using System.Diagnostics;
using System.Text.Json;
using MeshMind.Tests.Llm;
using MeshMind.Tests.Support;

namespace MeshMind.Tests.Namespaces;

/// <summary>
/// The chaos suite's faults that need real processes and a real network (issue 14), in network namespaces (root): a host cut
/// off the network while both sides go on working, then healed.
/// </summary>
[Collection(nameof(NamespaceLabs))]
public sealed class ChaosLabTests
{
    private const string Secret = "chaos-lab-secret-0123456789abcdef";
    private const string Model = "llama3:latest";

    /// <summary>How long the partition lasts at least (the 20 s): long enough for every side to give the other up.</summary>
    private static readonly TimeSpan s_partition = TimeSpan.FromSeconds(20);
    private static readonly Dictionary<string, string> s_fast = new() { ["MESHMIND__Mesh__PingInterval"] = "00:00:00.500" };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// Partition and heal: C's cable is pulled for 20 s. A and B mark it down; meanwhile C and A each upload a file and have
    /// a chat answered by their own LLM. After the cable is back the mesh re-forms, and every node lists each file and
    /// holds each exchange exactly once: nothing lost, nothing duplicated.
    /// </summary>
    [Fact]
    public async Task HostCutOff20s_BothSidesWork_AfterHealEverythingConvergesOnce()
    {
        await using var lab = await Labs.CreateAsync();
        var network = await lab.AddSwitchAsync(27);
        var nodes = new List<LabNode>();
        for (var i = 0; i < 3; i++)
        {
            var host = await lab.AddHostAsync(network, 11 + i);
            // A and C answer chats with their own LLM; B has none.
            var ollama = i == 1 ? LlmNodes.NoLlm : (await lab.StartFakeOllamaAsync(host, TimeSpan.FromMilliseconds(5), [Model], Ct)).BaseAddress.ToString();
            nodes.Add(await lab.StartNodeAsync(host, $"chaos{i + 1}", Secret, ["--ollama-url", ollama], s_fast, Ct));
        }

        var (a, b, c) = (nodes[0], nodes[1], nodes[2]);
        await Labs.WaitForFullMeshAsync(nodes);
        foreach (var node in new[] { a, c })
        {
            await Wait.UntilAsync(async () => (await node.GetJsonAsync("/api/models", Ct))?.GetProperty("models").GetArrayLength() > 0, Labs.Timeout,
                $"{node.Name}'s LLM to be found");
        }

        using var dir = new TempDirectory();
        var cutAt = Stopwatch.StartNew();
        await NamespaceLab.SetLinkAsync(c.Host, up: false);
        await Wait.UntilAsync(async () => await Labs.DroppedAsync(a, c) && await Labs.DroppedAsync(b, c) && await Labs.DroppedAsync(c, a),
            Labs.Timeout, "both sides to give each other up");
        var seenDown = cutAt.Elapsed;

        await WorkAloneAsync(c, "made on c during the cut", dir);
        await WorkAloneAsync(a, "made on a during the cut", dir);
        if (s_partition - cutAt.Elapsed is { TotalMilliseconds: > 0 } rest)
        {
            // The fault's length, not a wait for a condition: the partition goes on while nothing happens.
            await Task.Delay(rest, Ct);
        }

        var healedAt = Stopwatch.StartNew();
        await NamespaceLab.SetLinkAsync(c.Host, up: true);
        await Labs.WaitForFullMeshAsync(nodes);
        var relinked = healedAt.Elapsed;
        await Wait.UntilAsync(async () => await ConvergedAsync(nodes, a, c), Labs.Timeout, "files and conversations to converge");
        var converged = healedAt.Elapsed;
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"partition: seen down after {seenDown.TotalSeconds:0.0} s; after heal linked in {relinked.TotalSeconds:0.0} s, converged in {converged.TotalSeconds:0.0} s");

        // Converged means each item is there once; it stays that way (no late duplicates from a second sync).
        await Labs.WaitForFullMeshAsync(nodes);
        Assert.True(await ConvergedAsync(nodes, a, c), "the converged state did not hold");
    }

    /// <summary>Uploads a file named after <paramref name="what"/> and has <paramref name="node"/>'s own LLM answer it.</summary>
    private static async Task WorkAloneAsync(LabNode node, string what, TempDirectory dir)
    {
        var path = dir.Combine(node.Name + ".txt");
        await File.WriteAllTextAsync(path, what, Ct);
        Assert.Equal(201, await node.UploadAsync(path, FileName(node), Ct));
        var response = await node.PostJsonAsync("/api/chat", JsonSerializer.Serialize(new { message = what, stream = false }), TimeSpan.FromSeconds(15),
            cancellationToken: Ct);
        Assert.True(response.Status == 200, $"{node.Name} could not chat alone: {response.Status} {response.Body}");
    }

    private static string FileName(LabNode node) => $"cut-{node.Name}.txt";

    /// <summary>Every node lists A's and C's files exactly once, and A and C hold each other's exchange exactly once.</summary>
    private static async Task<bool> ConvergedAsync(List<LabNode> nodes, LabNode a, LabNode c)
    {
        foreach (var node in nodes)
        {
            var names = (await node.GetJsonAsync("/api/files", Ct))?.GetProperty("files").EnumerateArray()
                .Select(f => f.GetProperty("name").GetString()).ToList() ?? [];
            if (names.Count(n => n == FileName(a)) != 1 || names.Count(n => n == FileName(c)) != 1)
            {
                return false;
            }
        }

        foreach (var (node, other, question) in new[] { (a, c, "made on c during the cut"), (c, a, "made on a during the cut"), (nodes[1], c, "made on c during the cut") })
        {
            var history = await node.GetJsonAsync($"/api/peers/{other.NodeId}/conversations", Ct);
            var count = history?.GetProperty("exchanges").EnumerateArray().Count(e => e.GetProperty("question").GetString() == question) ?? 0;
            if (count != 1)
            {
                return false;
            }
        }

        return true;
    }
}
