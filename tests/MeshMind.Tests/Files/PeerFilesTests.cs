using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using MeshMind.Tests.Support;
using static MeshMind.Tests.Llm.LlmNodes;

namespace MeshMind.Tests.Files;

/// <summary>Files across two linked in-process nodes: one listing, proxied downloads, and what the proxy refuses.</summary>
public sealed class PeerFilesTests
{
    private static MultipartFormDataContent Upload(byte[] content, string fileName) =>
        new() { { new ByteArrayContent(content), "file", fileName } };

    private static async Task<System.Text.Json.JsonElement?> EntryAsync(HttpClient client, string name) =>
        (await (await client.GetAsync("/api/files", Ct)).JsonAsync()).GetProperty("files").EnumerateArray()
            .Cast<System.Text.Json.JsonElement?>().FirstOrDefault(f => f!.Value.GetProperty("name").GetString() == name);

    private static async Task<(TestNode A, TestNode B, HttpClient OnA, HttpClient OnB)> TwoNodesAsync()
    {
        var a = await StartAsync("alpha", NoLlm);
        var b = await StartAsync("bravo", NoLlm, [a]);
        await UntilLinkedAsync(b, a);
        await UntilLinkedAsync(a, b);
        return (a, b, await a.CreateLoggedInClientAsync(), await b.CreateLoggedInClientAsync());
    }

    [Fact]
    public async Task UploadOnA_ListedOnB_WithinASecond_AndDownloadedThroughTheProxy()
    {
        var (a, b, onA, onB) = await TwoNodesAsync();
        await using var _ = a;
        await using var __ = b;
        Assert.Null(await EntryAsync(onB, "report.bin")); // B has now fetched A's (empty) list: the next change must come by announcement
        var content = new byte[500_000];
        new Random(3).NextBytes(content);
        var sha = Convert.ToHexStringLower(SHA256.HashData(content));

        Assert.Equal(HttpStatusCode.Created, (await onA.PostAsync("/api/upload", Upload(content, "report.bin"), Ct)).StatusCode);
        var clock = Stopwatch.StartNew();
        System.Text.Json.JsonElement? entry = null;
        await Wait.UntilAsync(async () => (entry = await EntryAsync(onB, "report.bin")) is not null, WaitLimit, "the upload to appear on B");
        var seenAfter = clock.Elapsed;

        Assert.True(seenAfter < TimeSpan.FromSeconds(1), $"listed on B after {seenAfter}");
        Assert.False(entry!.Value.GetProperty("local").GetBoolean());
        Assert.Equal(sha, entry.Value.GetProperty("sha256").GetString());
        Assert.Equal("alpha", entry.Value.GetProperty("origin").GetProperty("name").GetString());
        var url = entry.Value.GetProperty("download_url").GetString()!;
        Assert.StartsWith("/api/", url, StringComparison.Ordinal);

        using var byId = await onB.GetAsync(url, Ct);
        Assert.Equal(HttpStatusCode.OK, byId.StatusCode);
        Assert.Equal(sha, Convert.ToHexStringLower(SHA256.HashData(await byId.Content.ReadAsByteArrayAsync(Ct))));
        Assert.Equal("report.bin", byId.Content.Headers.ContentDisposition?.FileNameStar);

        var byIp = await onB.GetByteArrayAsync("/api/peer-file/127.0.0.1/report.bin", Ct);
        Assert.Equal(content, byIp);

        using var range = new HttpRequestMessage(HttpMethod.Get, url);
        range.Headers.Range = new RangeHeaderValue(100, 199);
        using var partial = await onB.SendAsync(range, Ct);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal(content[100..200], await partial.Content.ReadAsByteArrayAsync(Ct));

        // Deleting on A takes it off B's list.
        await onA.DeleteAsync("/api/files/report.bin", Ct);
        await Wait.UntilAsync(async () => await EntryAsync(onB, "report.bin") is null, WaitLimit, "the file to leave B's list");
    }

    [Theory]
    [InlineData("/api/peer-file/169.254.169.254/report.bin")]
    [InlineData("/api/peer-file/10.0.0.1/report.bin")]
    [InlineData("/api/peer-file/127.0.0.2/report.bin")]
    [InlineData("/api/peer-file/localhost/report.bin")]
    [InlineData("/api/peer-file/0x7f000001/report.bin")]
    [InlineData("/api/peer-file/http%3A%2F%2Fexample.com/report.bin")]
    [InlineData("/api/peer-file/%3A%3A1/report.bin")]
    [InlineData("/api/peers/0000000000000000000000000000000000000000000000000000000000000000/files/report.bin")]
    [InlineData("/api/peer-file/127.0.0.1/..%2F..%2Fnode.pfx")]
    [InlineData("/api/peer-file/127.0.0.1/missing.bin")]
    public async Task Proxy_RefusesAnythingButALivePeersListedFile(string path)
    {
        var (a, b, onA, onB) = await TwoNodesAsync();
        await using var _ = a;
        await using var __ = b;
        await onA.PostAsync("/api/upload", Upload("real"u8.ToArray(), "report.bin"), Ct);

        var response = await onB.GetAsync(path, Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.False(string.IsNullOrEmpty((await response.JsonAsync()).GetProperty("error").GetString()));
    }

    [Fact]
    public async Task Proxy_CutsOffAFileWhoseBytesDoNotMatchItsHash()
    {
        var (a, b, onA, onB) = await TwoNodesAsync();
        await using var _ = a;
        await using var __ = b;
        var content = new byte[200_000];
        new Random(5).NextBytes(content);
        var sha = (await (await onA.PostAsync("/api/upload", Upload(content, "tampered.bin"), Ct)).JsonAsync()).GetProperty("sha256").GetString()!;
        await Wait.UntilAsync(async () => await EntryAsync(onB, "tampered.bin") is not null, WaitLimit, "the file on B's list");

        // The blob changes on A's disk behind the store's back: same size, other bytes.
        var blob = Path.Combine(a.DataDir, "files", "blobs", sha);
        var bad = (byte[])content.Clone();
        bad[^1] ^= 0xFF;
        await File.WriteAllBytesAsync(blob, bad, Ct);

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => onB.GetByteArrayAsync("/api/peer-file/127.0.0.1/tampered.bin", Ct));
    }

    [Fact]
    public async Task BurstOf400Uploads_AllReachThePeer_AndTheLinkStaysUp()
    {
        var (a, b, onA, onB) = await TwoNodesAsync();
        await using var _ = a;
        await using var __ = b;
        var drops = 0;
        Service<MeshMind.Mesh.Peers.PeerDirectory>(b).PeerAppeared += __ => Interlocked.Increment(ref drops);
        Assert.Empty((await (await onB.GetAsync("/api/files", Ct)).JsonAsync()).GetProperty("files").EnumerateArray());

        await Task.WhenAll(Enumerable.Range(0, 400).Select(i => onA.PostAsync("/api/upload", Upload([(byte)i, (byte)(i >> 8)], $"burst-{i:D3}.bin"), Ct)));

        await Wait.UntilAsync(async () => (await (await onB.GetAsync("/api/files", Ct)).JsonAsync()).GetProperty("files").GetArrayLength() == 400,
            WaitLimit, "all 400 files on B's list");
        Assert.Equal(MeshMind.Mesh.Peers.LinkState.Up, Service<MeshMind.Mesh.Peers.PeerDirectory>(b).Find(Id(a))!.LinkState);
        Assert.Equal(0, drops);
    }

    [Fact]
    public async Task UploaderGone_ItsFileStaysListedUnavailable_AndItsDownloadSaysWhy()
    {
        var (a, b, onA, onB) = await TwoNodesAsync();
        await using var __ = b;
        await onA.PostAsync("/api/upload", Upload("only on a"u8.ToArray(), "a-only.txt"), Ct);
        await Wait.UntilAsync(async () => await EntryAsync(onB, "a-only.txt") is not null, WaitLimit, "the file on B's list");
        var url = (await EntryAsync(onB, "a-only.txt"))!.Value.GetProperty("download_url").GetString()!;
        var aId = Id(a);

        onA.Dispose();
        await a.DisposeAsync();

        await Wait.UntilAsync(async () => await EntryAsync(onB, "a-only.txt") is { } e && !e.GetProperty("available").GetBoolean(), WaitLimit,
            "the file listed as unavailable on B");
        var entry = (await EntryAsync(onB, "a-only.txt"))!.Value;
        Assert.Equal(aId, entry.GetProperty("origin").GetProperty("node_id").GetString());
        Assert.Equal("alpha", entry.GetProperty("origin").GetProperty("name").GetString());
        Assert.Empty(entry.GetProperty("available_from").EnumerateArray());
        Assert.Equal(url, entry.GetProperty("download_url").GetString());
        using var download = await onB.GetAsync(url, Ct);
        Assert.Equal(HttpStatusCode.NotFound, download.StatusCode);
        var error = (await download.JsonAsync()).GetProperty("error").GetString();
        Assert.Contains("'alpha' is offline", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UploaderBack_ItsUnavailableFilesAreAvailableAgain_AndWhatItDeletedMeanwhileIsGone()
    {
        using var dirs = new TempDirectory();
        var a = await StartAsync("alpha", NoLlm, extra: new() { ["Node:DataDir"] = dirs.Combine("a") });
        await using var b = await StartAsync("bravo", NoLlm, [a]);
        await UntilLinkedAsync(b, a);
        using var onB = await b.CreateLoggedInClientAsync();
        using (var onA = await a.CreateLoggedInClientAsync())
        {
            await onA.PostAsync("/api/upload", Upload("kept"u8.ToArray(), "kept.txt"), Ct);
            await onA.PostAsync("/api/upload", Upload("dropped"u8.ToArray(), "dropped.txt"), Ct);
        }

        await Wait.UntilAsync(async () => await EntryAsync(onB, "kept.txt") is not null && await EntryAsync(onB, "dropped.txt") is not null, WaitLimit,
            "both files on B's list");
        await a.DisposeAsync();
        await Wait.UntilAsync(async () => await EntryAsync(onB, "kept.txt") is { } e && !e.GetProperty("available").GetBoolean(), WaitLimit,
            "A's files listed as unavailable on B");

        // A deletes a file while it is away from B (alone, so B is never told), then links to B again.
        var alone = await StartAsync("alpha", NoLlm, extra: new() { ["Node:DataDir"] = dirs.Combine("a") });
        using (var onAlone = await alone.CreateLoggedInClientAsync())
        {
            Assert.Equal(HttpStatusCode.NoContent, (await onAlone.DeleteAsync("/api/files/dropped.txt", Ct)).StatusCode);
        }

        await alone.DisposeAsync();
        await using var a2 = await StartAsync("alpha", NoLlm, [b], new() { ["Node:DataDir"] = dirs.Combine("a") });
        await UntilLinkedAsync(b, a2);

        await Wait.UntilAsync(async () => await EntryAsync(onB, "kept.txt") is { } e && e.GetProperty("available").GetBoolean()
            && await EntryAsync(onB, "dropped.txt") is null, WaitLimit, "kept.txt available again and dropped.txt gone");
        var kept = (await EntryAsync(onB, "kept.txt"))!.Value;
        Assert.Equal([Id(a2)], kept.GetProperty("available_from").EnumerateArray().Select(s => s.GetProperty("node_id").GetString()));
        Assert.Equal("kept"u8.ToArray(), await onB.GetByteArrayAsync(kept.GetProperty("download_url").GetString(), Ct));
    }

    [Fact]
    public async Task Chat_OnB_CanAttachAFileThatOnlyAHas()
    {
        await using var ollama = await FixtureAsync();
        await using var a = await StartAsync("alpha", NoLlm);
        await using var b = await StartAsync("bravo", ollama.BaseAddress.ToString(), [a]);
        await UntilLinkedAsync(b, a);
        await UntilLocalLlmAsync(b);
        using var onA = await a.CreateLoggedInClientAsync();
        using var onB = await b.CreateLoggedInClientAsync();
        await onA.PostAsync("/api/upload", Upload("Meeting moved to Thursday."u8.ToArray(), "memo.txt"), Ct);
        await Wait.UntilAsync(async () => await EntryAsync(onB, "memo.txt") is not null, WaitLimit, "the memo on B's list");

        var response = await onB.PostAsJsonAsync("/api/chat", new { message = "when is the meeting?", filename = "memo.txt" }, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Meeting moved to Thursday.", ollama.LastRequest!["messages"]!.AsArray()[^1]!["content"]!.GetValue<string>());
    }
}
