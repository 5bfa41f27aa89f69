using System.Diagnostics;
using System.Security.Cryptography;
using MeshMind.Tests.Support;

namespace MeshMind.Tests.Namespaces;

/// <summary>Shared files between real <c>meshmind</c> processes in network namespaces (root).</summary>
[Collection(nameof(NamespaceLabs))]
public sealed class FilesLabTests
{
    private const string Secret = "files-lab-secret-0123456789abcdef";
    private static readonly Dictionary<string, string> s_fast = new() { ["MESHMIND__Mesh__PingInterval"] = "00:00:00.500" };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<System.Text.Json.JsonElement?> EntryAsync(LabNode node, string name) =>
        (await node.GetJsonAsync("/api/files", Ct))?.GetProperty("files").EnumerateArray()
            .Cast<System.Text.Json.JsonElement?>().FirstOrDefault(f => f!.Value.GetProperty("name").GetString() == name);

    [Fact]
    public async Task UploadOnA_OnBsListWithinASecond_DownloadedThroughTheProxy_UnavailableWhenAIsKilled()
    {
        await using var lab = await Labs.CreateAsync();
        var network = await lab.AddSwitchAsync(24);
        var nodes = new List<LabNode>();
        for (var i = 0; i < 3; i++)
        {
            nodes.Add(await lab.StartNodeAsync(await lab.AddHostAsync(network, 11 + i), $"files{i + 1}", Secret, [], s_fast, Ct));
        }

        await Labs.WaitForFullMeshAsync(nodes);
        var (a, b, c) = (nodes[0], nodes[1], nodes[2]);
        using var dir = new TempDirectory();
        var content = new byte[3 * 1024 * 1024];
        new Random(11).NextBytes(content);
        var source = dir.Combine("source.bin");
        await File.WriteAllBytesAsync(source, content, Ct);
        var sha = Convert.ToHexStringLower(SHA256.HashData(content));
        Assert.Null(await EntryAsync(b, "lab file.bin"));

        Assert.Equal(201, await a.UploadAsync(source, "lab file.bin", Ct));
        var clock = Stopwatch.StartNew();
        await Wait.UntilAsync(async () => await EntryAsync(b, "lab file.bin") is not null, Labs.Timeout, "the upload on B's list");
        var listedAfter = clock.Elapsed;
        Assert.True(listedAfter < TimeSpan.FromSeconds(1), $"listed on B after {listedAfter} (includes curl polling)");

        var entry = (await EntryAsync(b, "lab file.bin"))!.Value;
        Assert.Equal(a.NodeId, entry.GetProperty("origin").GetProperty("node_id").GetString());
        Assert.Equal(a.Host.Address, entry.GetProperty("origin").GetProperty("address").GetString());
        var downloaded = dir.Combine("via-b.bin");
        Assert.Equal(200, await b.DownloadAsync(entry.GetProperty("download_url").GetString()!, downloaded, Ct));
        Assert.Equal(sha, Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(downloaded, Ct))));
        var byAddress = dir.Combine("via-c.bin");
        Assert.Equal(200, await c.DownloadAsync($"/api/peer-file/{a.Host.Address}/lab%20file.bin", byAddress, Ct));
        Assert.Equal(sha, Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(byAddress, Ct))));

        // Not pinned: once A is gone, its file stays on everyone's list as unavailable (issue 16), and cannot be downloaded.
        await a.KillAsync();
        foreach (var other in new[] { b, c })
        {
            await Wait.UntilAsync(async () => await EntryAsync(other, "lab file.bin") is { } e && !e.GetProperty("available").GetBoolean(),
                Labs.Timeout, $"{other.Name} to list A's file as unavailable");
        }

        Assert.Equal(404, await b.DownloadAsync(entry.GetProperty("download_url").GetString()!, dir.Combine("after.bin"), Ct));
    }

    [Fact]
    public async Task PinnedOnA_BAndCStillListAndServeItAfterAIsKilled_AnUnpinnedOneIsUnavailable()
    {
        await using var lab = await Labs.CreateAsync();
        var network = await lab.AddSwitchAsync(25);
        // C keeps no replicas (quota 0): it declines the pin and later serves the file through B.
        var noRoom = new Dictionary<string, string>(s_fast) { ["MESHMIND__Files__ReplicaQuotaBytes"] = "0" };
        var a = await lab.StartNodeAsync(await lab.AddHostAsync(network, 11), "pin-a", Secret, [], s_fast, Ct);
        var b = await lab.StartNodeAsync(await lab.AddHostAsync(network, 12), "pin-b", Secret, [], s_fast, Ct);
        var c = await lab.StartNodeAsync(await lab.AddHostAsync(network, 13), "pin-c", Secret, [], noRoom, Ct);
        await Labs.WaitForFullMeshAsync([a, b, c]);
        using var dir = new TempDirectory();
        var content = new byte[2 * 1024 * 1024];
        new Random(12).NextBytes(content);
        var sha = Convert.ToHexStringLower(SHA256.HashData(content));
        await File.WriteAllBytesAsync(dir.Combine("pinned.bin"), content, Ct);
        await File.WriteAllBytesAsync(dir.Combine("loose.bin"), "not pinned"u8.ToArray(), Ct);
        Assert.Equal(201, await a.UploadAsync(dir.Combine("pinned.bin"), "kept file.bin", Ct));
        Assert.Equal(201, await a.UploadAsync(dir.Combine("loose.bin"), "loose.bin", Ct));
        foreach (var other in new[] { b, c })
        {
            await Wait.UntilAsync(async () => await EntryAsync(other, "loose.bin") is not null, Labs.Timeout, $"{other.Name} to list A's files");
        }

        var pinned = await a.PostJsonAsync("/api/files/kept%20file.bin/pin", "{}", TimeSpan.FromSeconds(30), cancellationToken: Ct);

        Assert.Equal(200, pinned.Status);
        using (var body = System.Text.Json.JsonDocument.Parse(pinned.Body))
        {
            Assert.Equal([b.NodeId], body.RootElement.GetProperty("accepted").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal(c.NodeId, Assert.Single(body.RootElement.GetProperty("declined").EnumerateArray()).GetProperty("node_id").GetString());
        }

        await a.KillAsync();
        foreach (var other in new[] { b, c })
        {
            await Wait.UntilAsync(async () => await EntryAsync(other, "loose.bin") is { } e && !e.GetProperty("available").GetBoolean(),
                Labs.Timeout, $"{other.Name} to list A's unpinned file as unavailable");
            var entry = (await EntryAsync(other, "kept file.bin"))!.Value;
            Assert.Equal(a.NodeId, entry.GetProperty("origin").GetProperty("node_id").GetString());
            Assert.Equal([b.NodeId], entry.GetProperty("available_from").EnumerateArray().Select(e => e.GetProperty("node_id").GetString()));
            var saved = dir.Combine($"from-{other.Name}.bin");
            Assert.Equal(200, await other.DownloadAsync(entry.GetProperty("download_url").GetString()!, saved, Ct));
            Assert.Equal(sha, Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(saved, Ct))));
        }
    }
}
