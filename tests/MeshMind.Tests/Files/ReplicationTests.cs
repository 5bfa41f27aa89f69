using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using MeshMind.Files.Peers;
using MeshMind.Files.Store;
using MeshMind.Mesh.Peers;
using MeshMind.Tests.Support;
using static MeshMind.Tests.Llm.LlmNodes;

namespace MeshMind.Tests.Files;

/// <summary>Pinned files between linked in-process nodes: replicas with quota and hash checks, listing and serving while the origin is gone, unpin, catch-up.</summary>
public sealed class ReplicationTests
{
    private static MultipartFormDataContent Upload(byte[] content, string fileName) =>
        new() { { new ByteArrayContent(content), "file", fileName } };

    private static async Task<JsonElement?> EntryAsync(HttpClient client, string name) =>
        (await (await client.GetAsync("/api/files", Ct)).JsonAsync()).GetProperty("files").EnumerateArray()
            .Cast<JsonElement?>().FirstOrDefault(f => f!.Value.GetProperty("name").GetString() == name);

    private static string[] Ids(JsonElement entry, string property) =>
        [.. entry.GetProperty(property).EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetProperty("node_id").GetString()!).Order()];

    private static string[] Files(TestNode node, string folder) => Files(node.DataDir, folder);

    private static string[] Files(string dataDir, string folder)
    {
        var dir = Path.Combine(dataDir, "files", folder);
        return Directory.Exists(dir) ? [.. Directory.GetFiles(dir).Select(Path.GetFileName).OfType<string>()] : [];
    }

    private static byte[] Content(int size, int seed)
    {
        var content = new byte[size];
        new Random(seed).NextBytes(content);
        return content;
    }

    [Fact]
    public async Task Pin_ReplicatesToPeersWithRoom_AndTheFileOutlivesItsUploader()
    {
        await using var ollama = await FixtureAsync();
        var a = await StartAsync("alpha", NoLlm);
        await using var b = await StartAsync("bravo", NoLlm, [a]);
        await using var c = await StartAsync("charlie", ollama.BaseAddress.ToString(), [a, b], new() { ["Files:ReplicaQuotaBytes"] = "1000" });
        await UntilLinkedAsync(a, b);
        await UntilLinkedAsync(a, c);
        await UntilLinkedAsync(b, c);
        await UntilLocalLlmAsync(c);
        using var onA = await a.CreateLoggedInClientAsync();
        using var onB = await b.CreateLoggedInClientAsync();
        using var onC = await c.CreateLoggedInClientAsync();
        var content = new byte[300_000];
        var random = new Random(7);
        for (var i = 0; i < content.Length; i++)
        {
            content[i] = (byte)('a' + random.Next(26)); // text the chat can quote
        }

        var marker = System.Text.Encoding.ASCII.GetString(content, 0, 40);
        var sha = Convert.ToHexStringLower(SHA256.HashData(content));
        await onA.PostAsync("/api/upload", Upload(content, "keep.txt"), Ct);

        using var pinned = await onA.PostAsync("/api/files/keep.txt/pin", null, Ct);

        Assert.Equal(HttpStatusCode.OK, pinned.StatusCode);
        var body = await pinned.JsonAsync();
        Assert.True(body.GetProperty("pinned").GetBoolean());
        Assert.Equal(2, body.GetProperty("peers").GetInt32());
        Assert.Equal([Id(b)], Ids(body, "accepted"));
        var declined = Assert.Single(body.GetProperty("declined").EnumerateArray());
        Assert.Equal(Id(c), declined.GetProperty("node_id").GetString());
        Assert.Contains("quota", declined.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal([sha], Files(b, "blobs"));
        Assert.Empty(Files(c, "blobs")); // declined before a byte was fetched: no partial file
        Assert.Empty(Files(c, "tmp"));

        await Wait.UntilAsync(async () => await EntryAsync(onA, "keep.txt") is { } e && Ids(e, "replicas").SequenceEqual([Id(b)]), WaitLimit,
            "A's listing to show B's replica");
        var onAEntry = (await EntryAsync(onA, "keep.txt"))!.Value;
        Assert.True(onAEntry.GetProperty("pinned").GetBoolean());
        Assert.True(onAEntry.GetProperty("local").GetBoolean());

        var aId = Id(a);
        onA.Dispose();
        await a.DisposeAsync();
        await UntilUnlinkedAsync(c, aId);

        // B holds the replica: listed under A, served from B's own disk, and not B's to delete.
        var onBEntry = (await EntryAsync(onB, "keep.txt"))!.Value;
        Assert.Equal(aId, onBEntry.GetProperty("origin").GetProperty("node_id").GetString());
        Assert.Equal("alpha", onBEntry.GetProperty("origin").GetProperty("name").GetString());
        Assert.False(onBEntry.GetProperty("local").GetBoolean());
        Assert.True(onBEntry.GetProperty("pinned").GetBoolean());
        Assert.Equal([Id(b)], Ids(onBEntry, "available_from"));
        Assert.Equal(content, await onB.GetByteArrayAsync(onBEntry.GetProperty("download_url").GetString(), Ct));
        Assert.Equal(HttpStatusCode.NotFound, (await onB.DeleteAsync("/api/files/keep.txt", Ct)).StatusCode);
        Assert.Equal([sha], Files(b, "blobs"));

        // C holds nothing: it lists the file from B's replica and proxies it from B, hash-checked.
        var onCEntry = (await EntryAsync(onC, "keep.txt"))!.Value;
        Assert.Equal(aId, onCEntry.GetProperty("origin").GetProperty("node_id").GetString());
        Assert.Equal([Id(b)], Ids(onCEntry, "available_from"));
        Assert.Equal([Id(b)], Ids(onCEntry, "replicas"));
        var url = onCEntry.GetProperty("download_url").GetString()!;
        Assert.Equal($"/api/peers/{aId}/files/keep.txt", url);
        Assert.Equal(sha, Convert.ToHexStringLower(SHA256.HashData(await onC.GetByteArrayAsync(url, Ct))));

        // The chat's file context finds the replicated file too.
        var chat = await onC.PostAsJsonAsync("/api/chat", new { message = "what is in it?", filename = "keep.txt" }, Ct);
        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        Assert.Contains(marker, ollama.LastRequest!["messages"]!.AsArray()[^1]!["content"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unpin_DropsTheReplicas_AndAnUnpinnedFileIsUnavailableWithoutItsUploader()
    {
        var a = await StartAsync("alpha", NoLlm);
        await using var b = await StartAsync("bravo", NoLlm, [a]);
        await UntilLinkedAsync(a, b);
        using var onA = await a.CreateLoggedInClientAsync();
        using var onB = await b.CreateLoggedInClientAsync();
        await onA.PostAsync("/api/upload", Upload(Content(10_000, 1), "brief.bin"), Ct);
        Assert.Equal(HttpStatusCode.OK, (await onA.PostAsync("/api/files/brief.bin/pin", null, Ct)).StatusCode);
        Assert.Single(Files(b, "blobs"));
        // B lists A's file before A goes: it learns of it from A's announcement, sent 50 ms after the upload, or from A's list.
        // Without this wait, on a fast run the whole test up to A's shutdown took less than those 50 ms: B never heard of the
        // file, so it had nothing to list as unavailable (failed in CI, and every time after PeerLinkingLater… in one process).
        await Wait.UntilAsync(async () => await EntryAsync(onB, "brief.bin") is not null, WaitLimit, "B's listing with A's file");
        // A's listing has seen B's copy, so B's list is in A's cache from now on.
        await Wait.UntilAsync(async () => await EntryAsync(onA, "brief.bin") is { } e && Ids(e, "replicas").Length == 1, WaitLimit,
            "A's listing with B's replica");

        using var unpinned = await onA.DeleteAsync("/api/files/brief.bin/pin", Ct);

        Assert.Equal(HttpStatusCode.OK, unpinned.StatusCode);
        Assert.False((await unpinned.JsonAsync()).GetProperty("pinned").GetBoolean());
        // At once, although A's cached copy of B's list still shows the replica: A's own pin state decides.
        var entry = (await EntryAsync(onA, "brief.bin"))!.Value;
        Assert.False(entry.GetProperty("pinned").GetBoolean());
        Assert.Empty(Ids(entry, "replicas"));
        await Wait.UntilAsync(() => Files(b, "blobs").Length == 0, WaitLimit, "B to drop its replica");

        var aId = Id(a);
        onA.Dispose();
        await a.DisposeAsync();
        // No copy is left anywhere: B lists the file as its uploader's, unavailable, and cannot serve it.
        await Wait.UntilAsync(async () => await EntryAsync(onB, "brief.bin") is { } e && !e.GetProperty("available").GetBoolean(), WaitLimit,
            "the unpinned file listed as unavailable on B", async () =>
            {
                // Failed once in CI (not reproduced in 500 runs under load): what B knew then.
                var directory = Service<PeerDirectory>(b);
                var lastKnown = Service<PeerFiles>(b).LastKnown(directory.Snapshot()).Select(l => $"{l.Peer.Name}: {string.Join(", ", l.Files.Select(f => f.Key))}");
                var replicas = await Service<FileStore>(b).ListReplicasAsync(Ct);
                return $"B's entry: {(await EntryAsync(onB, "brief.bin"))?.GetRawText() ?? "none"}\nB's view of A: {directory.Find(aId)}\n"
                    + $"B's last-known lists: {string.Join("; ", lastKnown)}\nB's replicas: {string.Join(", ", replicas.Select(r => r.Name))}";
            });
        var gone = (await EntryAsync(onB, "brief.bin"))!.Value;
        Assert.Empty(Ids(gone, "replicas"));
        Assert.Equal(HttpStatusCode.NotFound, (await onB.GetAsync(gone.GetProperty("download_url").GetString(), Ct)).StatusCode);
    }

    [Fact]
    public async Task PeerLinkingLater_GetsPinsItMissed_AndDropsReplicasUnpinnedMeanwhile()
    {
        using var dirs = new TempDirectory();
        var a = await StartAsync("alpha", NoLlm, extra: new() { ["Node:DataDir"] = dirs.Combine("a") });
        using var onA = await a.CreateLoggedInClientAsync();
        await onA.PostAsync("/api/upload", Upload(Content(20_000, 2), "early.bin"), Ct);
        await onA.PostAsync("/api/upload", Upload(Content(20_000, 3), "later.bin"), Ct);
        using (var alone = await onA.PostAsync("/api/files/early.bin/pin", null, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, alone.StatusCode);
            Assert.Equal(0, (await alone.JsonAsync()).GetProperty("peers").GetInt32());
        }

        // B links up after the pin: it catches up from A's list.
        var b = await StartAsync("bravo", NoLlm, [a], new() { ["Node:DataDir"] = dirs.Combine("b") });
        using var onB = await b.CreateLoggedInClientAsync();
        await Wait.UntilAsync(async () => await EntryAsync(onB, "early.bin") is { } e && Ids(e, "replicas").SequenceEqual([Id(b)]), WaitLimit,
            "B to replicate the pin it missed");
        var bId = Id(b);

        // B is away while A unpins one file and pins another; the pin state survives A's restart too.
        await b.DisposeAsync();
        await onA.DeleteAsync("/api/files/early.bin/pin", Ct);
        await onA.PostAsync("/api/files/later.bin/pin", null, Ct);
        onA.Dispose();
        await a.DisposeAsync();
        await using var a2 = await StartAsync("alpha", NoLlm, extra: new() { ["Node:DataDir"] = dirs.Combine("a") });
        await using var b2 = await StartAsync("bravo", NoLlm, [a2], new() { ["Node:DataDir"] = dirs.Combine("b") });
        Assert.Equal(bId, Id(b2));
        using var onB2 = await b2.CreateLoggedInClientAsync();

        await Wait.UntilAsync(async () => await EntryAsync(onB2, "later.bin") is { } e && Ids(e, "replicas").SequenceEqual([bId])
            && await EntryAsync(onB2, "early.bin") is { } f && Ids(f, "replicas").Length == 0, WaitLimit, "B to catch up with both changes");
        Assert.Single(Files(dirs.Combine("b"), "blobs"));
    }

    [Fact]
    public async Task Pin_OfBytesThatDoNotMatchTheirHash_IsDeclined_AndThePeerKeepsNothing()
    {
        var a = await StartAsync("alpha", NoLlm);
        await using var _ = a;
        await using var b = await StartAsync("bravo", NoLlm, [a]);
        await UntilLinkedAsync(a, b);
        using var onA = await a.CreateLoggedInClientAsync();
        var content = Content(100_000, 4);
        var sha = (await (await onA.PostAsync("/api/upload", Upload(content, "tampered.bin"), Ct)).JsonAsync()).GetProperty("sha256").GetString()!;
        content[^1] ^= 0xFF; // the blob changes on A's disk behind the store's back: same size, other bytes
        await File.WriteAllBytesAsync(Path.Combine(a.DataDir, "files", "blobs", sha), content, Ct);

        using var pinned = await onA.PostAsync("/api/files/tampered.bin/pin", null, Ct);

        var body = await pinned.JsonAsync();
        Assert.Empty(Ids(body, "accepted"));
        Assert.Contains("sha256", Assert.Single(body.GetProperty("declined").EnumerateArray()).GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Empty(Files(b, "blobs"));
        Assert.Empty(Files(b, "tmp"));
    }

    [Fact]
    public async Task Pin_ANameThisNodeDoesNotOwn_Is404()
    {
        await using var node = await TestNode.StartAsync();
        using var client = await node.CreateLoggedInClientAsync();

        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/api/files/nothing.bin/pin", null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync("/api/files/nothing.bin/pin", Ct)).StatusCode);
    }

    private static Task UntilUnlinkedAsync(TestNode node, string id) =>
        Wait.UntilAsync(() => Service<MeshMind.Mesh.Peers.PeerDirectory>(node).Find(id) is not { LinkState: MeshMind.Mesh.Peers.LinkState.Up }, WaitLimit,
            "the link to the stopped node to go down");
}
