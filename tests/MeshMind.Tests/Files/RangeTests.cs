using System.Net;
using MeshMind.Tests.Support;
using static MeshMind.Tests.Llm.LlmNodes;

namespace MeshMind.Tests.Files;

/// <summary>Range requests on a node's own download and through the peer proxy (by node id and by address): the same answers on all three.</summary>
public sealed class RangeTests
{
    private static readonly byte[] s_content = [.. Enumerable.Range(0, 1000).Select(i => (byte)(i * 7))];

    public static TheoryData<string, string, int, int, int> Cases()
    {
        var data = new TheoryData<string, string, int, int, int>();
        foreach (var via in new[] { "local", "peer-id", "peer-ip" })
        {
            data.Add(via, "bytes=0-9", 206, 0, 10);
            data.Add(via, "bytes=-5", 206, 995, 1000);
            data.Add(via, "bytes=10-", 206, 10, 1000);
            data.Add(via, "bytes=990-5000", 206, 990, 1000); // an end past the file is cut to it
            data.Add(via, "bytes=1000-", 416, 0, 0);
            data.Add(via, "bytes=2000-3000", 416, 0, 0);
            data.Add(via, "bytes=abc", 200, 0, 1000);
            data.Add(via, "bytes=9-0", 200, 0, 1000);
            data.Add(via, "items=0-9", 200, 0, 1000);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Range_IsAnsweredAsRfc9110Says(string via, string range, int status, int start, int end)
    {
        await using var owner = await StartAsync("owner", NoLlm);
        await using var reader = via == "local" ? null : await StartAsync("reader", NoLlm, [owner]);
        using var onOwner = await owner.CreateLoggedInClientAsync();
        await onOwner.PostAsync("/api/upload", new MultipartFormDataContent { { new ByteArrayContent(s_content), "file", "r.bin" } }, Ct);
        HttpClient client;
        string path;
        if (reader is null)
        {
            client = onOwner;
            path = "/api/files/r.bin";
        }
        else
        {
            await UntilLinkedAsync(reader, owner);
            client = await reader.CreateLoggedInClientAsync();
            path = via == "peer-id" ? $"/api/peers/{Id(owner)}/files/r.bin" : "/api/peer-file/127.0.0.1/r.bin";
            await Wait.UntilAsync(async () =>
            {
                using var probe = await client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, Ct);
                return probe.StatusCode == HttpStatusCode.OK;
            }, WaitLimit, "the owner's file to be listed on the reader");
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Range", range);
        using var response = await client.SendAsync(request, Ct);
        var body = await response.Content.ReadAsByteArrayAsync(Ct);

        Assert.Equal(status, (int)response.StatusCode);
        switch (status)
        {
            case 206:
                Assert.Equal(s_content[start..end], body);
                Assert.Equal($"bytes {start}-{end - 1}/1000", response.Content.Headers.ContentRange?.ToString());
                break;
            case 416:
                Assert.Empty(body);
                Assert.Equal("bytes */1000", response.Content.Headers.ContentRange?.ToString());
                break;
            default:
                Assert.Equal(s_content, body);
                Assert.Null(response.Content.Headers.ContentRange);
                break;
        }

        Assert.Equal("bytes", string.Join(",", response.Headers.AcceptRanges));
        if (!ReferenceEquals(client, onOwner))
        {
            client.Dispose();
        }
    }

    [Theory]
    [InlineData("bytes=0-9", true)]
    [InlineData("Bytes=-5", true)]
    [InlineData(" bytes=10-", true)]
    [InlineData("items=0-9", false)]
    [InlineData("0-9", false)]
    public void IgnoreOtherUnits_KeepsOnlyAByteRange(string range, bool kept)
    {
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        context.Request.Headers.Range = range;

        MeshMind.Files.Api.ByteRanges.IgnoreOtherUnits(context.Request);

        Assert.Equal(kept ? range : "", context.Request.Headers.Range.ToString());
    }
}
