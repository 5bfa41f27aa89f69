using System.Diagnostics;
using System.Security.Cryptography;
using MeshMind.Tests.Infrastructure;

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
    public async Task UploadOnA_OnBsListWithinASecond_DownloadedThroughTheProxy_GoneWhenAIsKilled()
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

        // Not pinned (replication is not built): once A is gone, so is its file from everyone's list.
        await a.KillAsync();
        foreach (var other in new[] { b, c })
        {
            await Wait.UntilAsync(async () => await EntryAsync(other, "lab file.bin") is null, Labs.Timeout, $"{other.Name} to drop A's file");
        }

        Assert.Equal(404, await b.DownloadAsync(entry.GetProperty("download_url").GetString()!, dir.Combine("after.bin"), Ct));
    }
}
