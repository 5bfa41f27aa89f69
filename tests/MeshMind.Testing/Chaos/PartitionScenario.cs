using System.Diagnostics;
using System.Text.Json;

namespace MeshMind.Testing.Chaos;

/// <summary>
/// Partition and heal (issue 14's chaos suite), in a network-namespace lab of three nodes: A and C answer chats with their own
/// LLM, B has none. C's cable is pulled for 20 s. A and B mark it down; meanwhile C and A each upload a file and have a chat
/// answered by their own LLM. After the cable is back the mesh re-forms, and every node lists each file and holds each
/// exchange exactly once: nothing lost, nothing duplicated. A run that does not converge throws.
/// </summary>
public static class PartitionScenario
{
    public const string Model = "llama3:latest";
    private const string Secret = "partition-lab-secret-0123456789abcdef";

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(45);

    /// <summary>How long the partition lasts at least (the 20 s): long enough for every side to give the other up.</summary>
    public static readonly TimeSpan Partition = TimeSpan.FromSeconds(20);

    private static readonly Dictionary<string, string> s_fast = new() { ["MESHMIND__Mesh__PingInterval"] = "00:00:00.500" };

    public static async Task<PartitionReport> RunAsync(NamespaceLab lab, int subnet, CancellationToken cancellationToken = default)
    {
        var network = await lab.AddSwitchAsync(subnet);
        var nodes = new List<LabNode>();
        for (var i = 0; i < 3; i++)
        {
            var host = await lab.AddHostAsync(network, 11 + i);
            var ollama = i == 1 ? ChurnScenario.NoLlm : (await lab.StartFakeOllamaAsync(host, TimeSpan.FromMilliseconds(5), [Model], cancellationToken)).BaseAddress.ToString();
            nodes.Add(await lab.StartNodeAsync(host, $"part{i + 1}", Secret, ["--ollama-url", ollama], s_fast, cancellationToken));
        }

        var (a, b, c) = (nodes[0], nodes[1], nodes[2]);
        await LabMesh.WaitForFullMeshAsync(nodes, Timeout, cancellationToken);
        foreach (var node in new[] { a, c })
        {
            await Poll.UntilAsync(async () => (await node.GetJsonAsync("/api/models", cancellationToken))?.GetArrayLength() > 0, Timeout,
                $"{node.Name}'s LLM to be found", cancellationToken);
        }

        var dir = Path.Combine(lab.Root, "partition-files");
        Directory.CreateDirectory(dir);
        var cutAt = Stopwatch.StartNew();
        await NamespaceLab.SetLinkAsync(c.Host, up: false);
        await Poll.UntilAsync(async () => await DroppedAsync(a, c, cancellationToken) && await DroppedAsync(b, c, cancellationToken)
            && await DroppedAsync(c, a, cancellationToken), Timeout, "both sides to give each other up", cancellationToken);
        var seenDown = cutAt.Elapsed;

        await WorkAloneAsync(c, "made on c during the cut", dir, cancellationToken);
        await WorkAloneAsync(a, "made on a during the cut", dir, cancellationToken);
        if (Partition - cutAt.Elapsed is { TotalMilliseconds: > 0 } rest)
        {
            // The fault's length, not a wait for a condition: the partition goes on while nothing happens.
            await Task.Delay(rest, cancellationToken);
        }

        var healedAt = Stopwatch.StartNew();
        await NamespaceLab.SetLinkAsync(c.Host, up: true);
        await LabMesh.WaitForFullMeshAsync(nodes, Timeout, cancellationToken);
        var relinked = healedAt.Elapsed;
        await Poll.UntilAsync(async () => await ConvergedAsync(nodes, a, c, cancellationToken), Timeout, "files and conversations to converge", cancellationToken);
        var converged = healedAt.Elapsed;

        // Converged means each item is there once; it stays that way (no late duplicates from a second sync).
        await LabMesh.WaitForFullMeshAsync(nodes, Timeout, cancellationToken);
        if (!await ConvergedAsync(nodes, a, c, cancellationToken))
        {
            throw new InvalidOperationException("the converged state did not hold");
        }

        return new PartitionReport(seenDown, relinked, converged);
    }

    /// <summary>Dropped: the link is no longer up ("down", or "connecting" while a reconnect attempt runs).</summary>
    private static async Task<bool> DroppedAsync(LabNode node, LabNode other, CancellationToken cancellationToken)
    {
        var links = await node.LinkStatesAsync(cancellationToken);
        return links is not null && links.TryGetValue(other.NodeId!, out var s) && s != "up";
    }

    /// <summary>Uploads a file named after <paramref name="what"/> and has <paramref name="node"/>'s own LLM answer it.</summary>
    private static async Task WorkAloneAsync(LabNode node, string what, string dir, CancellationToken cancellationToken)
    {
        var path = Path.Combine(dir, node.Name + ".txt");
        await File.WriteAllTextAsync(path, what, cancellationToken);
        var uploaded = await node.UploadAsync(path, FileName(node), cancellationToken);
        var response = await node.PostJsonAsync("/api/chat", JsonSerializer.Serialize(new { message = what, stream = false }), TimeSpan.FromSeconds(15),
            cancellationToken: cancellationToken);
        if (uploaded != 201 || response.Status != 200)
        {
            throw new InvalidOperationException($"{node.Name} could not work alone: upload {uploaded}, chat {response.Status} {response.Body}");
        }
    }

    private static string FileName(LabNode node) => $"cut-{node.Name}.txt";

    /// <summary>Every node lists A's and C's files exactly once, and A, B and C hold the other side's exchange exactly once.</summary>
    private static async Task<bool> ConvergedAsync(List<LabNode> nodes, LabNode a, LabNode c, CancellationToken cancellationToken)
    {
        foreach (var node in nodes)
        {
            var names = (await node.GetJsonAsync("/api/files", cancellationToken))?.GetProperty("files").EnumerateArray()
                .Select(f => f.GetProperty("name").GetString()).ToList() ?? [];
            if (names.Count(n => n == FileName(a)) != 1 || names.Count(n => n == FileName(c)) != 1)
            {
                return false;
            }
        }

        foreach (var (node, other, question) in new[] { (a, c, "made on c during the cut"), (c, a, "made on a during the cut"), (nodes[1], c, "made on c during the cut") })
        {
            var history = await node.GetJsonAsync($"/api/peers/{other.NodeId}/conversations", cancellationToken);
            var count = history?.GetProperty("exchanges").EnumerateArray().Count(e => e.GetProperty("question").GetString() == question) ?? 0;
            if (count != 1)
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>A partition run's timings: cut to seen down on both sides; heal to a full mesh, and to files and conversations converged.</summary>
public sealed record PartitionReport(TimeSpan SeenDown, TimeSpan Relinked, TimeSpan Converged)
{
    public string Summary() =>
        $"partition: seen down after {SeenDown.TotalSeconds:0.0} s; after heal linked in {Relinked.TotalSeconds:0.0} s, converged in {Converged.TotalSeconds:0.0} s";
}
