using System.Diagnostics;
using System.Text.Json;
using MeshMind.Tests.Llm;
using MeshMind.Tests.Support;

namespace MeshMind.Tests.Namespaces;

/// <summary>
/// Search across real <c>meshmind</c> processes in network namespaces (root): found from another node within seconds; revoked
/// and dead peers; a chat with mesh files, answered by a fake Ollama on another node, cites the file on the node that holds it.
/// </summary>
[Collection(nameof(NamespaceLabs))]
public sealed class KnowledgeLabTests
{
    private const string Secret = "knowledge-lab-secret-0123456789ab";
    private static readonly Dictionary<string, string> s_fast = new() { ["MESHMIND__Mesh__PingInterval"] = "00:00:00.500" };

    private const string Model = "llama3:latest";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<JsonElement> SearchAsync(LabNode node, string query) =>
        (await node.GetJsonAsync($"/api/search?q={Uri.EscapeDataString(query)}", Ct)) ?? throw new InvalidOperationException($"{node.Name} did not answer /api/search");

    private static List<string?> Nodes(JsonElement result) => [.. result.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("node_id").GetString())];

    private static List<string?> Missing(JsonElement result) => [.. result.GetProperty("missing").EnumerateArray().Select(m => m.GetString())];

    [Fact]
    public async Task UploadOnA_FoundFromCWithinSeconds_RevokedPeersHitsDisappear_KilledPeerIsMissing()
    {
        await using var lab = await Labs.CreateAsync();
        var network = await lab.AddSwitchAsync(51);
        var nodes = new List<LabNode>();
        for (var i = 0; i < 3; i++)
        {
            nodes.Add(await lab.StartNodeAsync(await lab.AddHostAsync(network, 11 + i), $"know{i + 1}", Secret, [], s_fast, Ct));
        }

        await Labs.WaitForFullMeshAsync(nodes);
        var (a, b, c) = (nodes[0], nodes[1], nodes[2]);
        using var dir = new TempDirectory();
        await File.WriteAllTextAsync(dir.Combine("a.txt"), "Q3 report: the zebra project cut customer churn to 3 percent.", Ct);
        await File.WriteAllTextAsync(dir.Combine("b.txt"), "Field notes: a zebra herd crossed the river at dawn.", Ct);

        Assert.Equal(201, await a.UploadAsync(dir.Combine("a.txt"), "q3-report.txt", Ct));
        var clock = Stopwatch.StartNew();
        await Wait.UntilAsync(async () => Nodes(await SearchAsync(c, "churn")).Contains(a.NodeId), Labs.Timeout, "A's report found from C");
        var foundAfter = clock.Elapsed;
        Assert.True(foundAfter < TimeSpan.FromSeconds(5), $"found from C after {foundAfter} (includes curl polling)");

        Assert.Equal(201, await b.UploadAsync(dir.Combine("b.txt"), "field-notes.txt", Ct));
        await Wait.UntilAsync(async () => Nodes(await SearchAsync(c, "zebra")).Order().SequenceEqual(new[] { a.NodeId, b.NodeId }.Order()),
            Labs.Timeout, "both files found from C");

        // C revokes B: B's file is no longer searched, and B is not "missing" (it is shut out, not away).
        Assert.Equal(204, (await c.PostJsonAsync($"/api/peers/{b.NodeId}/revoke", "{}", TimeSpan.FromSeconds(10), cancellationToken: Ct)).Status);
        JsonElement revoked = default;
        await Wait.UntilAsync(async () => !Nodes(revoked = await SearchAsync(c, "zebra")).Contains(b.NodeId), Labs.Timeout, "B's hits gone from C");
        Assert.Equal([a.NodeId], Nodes(revoked));
        Assert.DoesNotContain(b.NodeId, Missing(revoked));

        // A dies: its hits go and it is reported missing, never an error.
        await a.KillAsync();
        JsonElement dead = default;
        await Wait.UntilAsync(async () => Missing(dead = await SearchAsync(c, "zebra")).Contains(a.NodeId), Labs.Timeout, "A missing from C's search");
        Assert.Empty(Nodes(dead));
    }

    [Fact]
    public async Task ChatWithMeshFiles_FromCWithoutLlm_AnsweredOnB_CitesTheReportOnA_AndTheModelGotItsText()
    {
        await using var lab = await Labs.CreateAsync();
        var network = await lab.AddSwitchAsync(52);
        var environment = new Dictionary<string, string>(s_fast) { ["MESHMIND__Llm__ProbeInterval"] = "00:00:00.500" };
        var hosts = new List<LabHost>();
        for (var i = 0; i < 3; i++)
        {
            hosts.Add(await lab.AddHostAsync(network, 11 + i));
        }

        // Only B has an LLM: C's chat is answered over the mesh, and the file it must cite is on A.
        var ollama = await lab.StartFakeOllamaAsync(hosts[1], TimeSpan.Zero, [Model], Ct);
        var a = await lab.StartNodeAsync(hosts[0], "cite-a", Secret, ["--ollama-url", LlmNodes.NoLlm], environment, Ct);
        var b = await lab.StartNodeAsync(hosts[1], "cite-b", Secret, ["--ollama-url", ollama.BaseAddress.ToString()], environment, Ct);
        var c = await lab.StartNodeAsync(hosts[2], "cite-c", Secret, ["--ollama-url", LlmNodes.NoLlm], environment, Ct);
        await Labs.WaitForFullMeshAsync([a, b, c]);
        await Wait.UntilAsync(async () => (await c.GetJsonAsync("/api/models", Ct))?.EnumerateArray().Any(m => m.GetProperty("name").GetString() == Model
                && m.GetProperty("nodes").EnumerateArray().Any(n => n.GetProperty("node_id").GetString() == b.NodeId)) == true,
            Labs.Timeout, $"C to see {Model} on B");

        const string Report = "Q3 report: customer churn rose to 7.4 % because of pricing; the cheapest plan lost the most customers.";
        // The decoy shares "Q3" with the question, so it is a candidate too, and a node that mixed up files or nodes would cite it.
        const string Decoy = "Q3 offsite: the team picnic is at the lake in August, with boats and a barbecue.";
        using var dir = new TempDirectory();
        await File.WriteAllTextAsync(dir.Combine("report.txt"), Report, Ct);
        await File.WriteAllTextAsync(dir.Combine("decoy.txt"), Decoy, Ct);
        Assert.Equal(201, await a.UploadAsync(dir.Combine("report.txt"), "q3-report.txt", Ct));
        Assert.Equal(201, await b.UploadAsync(dir.Combine("decoy.txt"), "q3-offsite.txt", Ct));
        await Wait.UntilAsync(async () => Nodes(await SearchAsync(c, "q3")).Order().SequenceEqual(new[] { a.NodeId, b.NodeId }.Order()),
            Labs.Timeout, "both files found from C");

        const string Question = "What did the Q3 report say about churn?";
        var response = await c.PostJsonAsync("/api/chat", JsonSerializer.Serialize(new { message = Question, knowledge = true, stream = false }),
            TimeSpan.FromSeconds(30), cancellationToken: Ct);

        Assert.True(response.Completed, $"the chat did not finish: curl {response.CurlExitCode} {response.CurlError}");
        Assert.Equal(200, response.Status);
        using var answer = JsonDocument.Parse(response.Body);
        Assert.Equal(b.NodeId, answer.RootElement.GetProperty("host").GetProperty("node_id").GetString());
        var sources = answer.RootElement.GetProperty("sources").EnumerateArray().ToList();
        Assert.NotEmpty(sources);
        var first = sources[0];
        Assert.Equal(1, first.GetProperty("number").GetInt32());
        Assert.Equal(a.NodeId, first.GetProperty("node_id").GetString());
        Assert.Equal("q3-report.txt", first.GetProperty("file").GetString());
        Assert.Contains("<mark>churn</mark>", first.GetProperty("snippet").GetString(), StringComparison.OrdinalIgnoreCase);
        // The decoy may follow as a weaker excerpt, never before the report, and never as A's.
        Assert.All(sources.Skip(1), s => Assert.False(s.GetProperty("file").GetString() == "q3-report.txt", $"the report cited twice: {response.Body}"));
        Assert.DoesNotContain(sources, s => s.GetProperty("file").GetString() == "q3-offsite.txt" && s.GetProperty("node_id").GetString() != b.NodeId);

        // What B's model was asked: told to cite by number, and the report's text as excerpt [1], named by its file and node.
        var request = await ollama.LastRequestAsync(Ct) ?? throw new InvalidOperationException("the fake Ollama on B received no chat");
        var messages = request["messages"]!.AsArray();
        Assert.Contains(messages, m => m!["role"]!.GetValue<string>() == "system" && m["content"]!.GetValue<string>().Contains("[1]", StringComparison.Ordinal));
        var prompt = messages[^1]!["content"]!.GetValue<string>();
        Assert.Contains($"[1] q3-report.txt (on cite-a):\n{Report}", prompt, StringComparison.Ordinal);
        Assert.EndsWith($"Question: {Question}", prompt, StringComparison.Ordinal);
        Assert.Equal($"Echo from {Model}: {prompt}", answer.RootElement.GetProperty("response").GetString());
    }
}
