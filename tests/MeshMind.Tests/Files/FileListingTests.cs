using System.Net;
using System.Net.Http.Headers;
using MeshMind.Tests.Support;
using static MeshMind.Tests.Llm.LlmNodes;

namespace MeshMind.Tests.Files;

/// <summary><c>GET /api/files</c> is served from a kept, pre-serialised listing: it must change exactly when what it shows does.</summary>
public sealed class FileListingTests
{
    private static MultipartFormDataContent Upload(string text, string fileName) =>
        new() { { new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(text)), "file", fileName } };

    private static async Task<HttpResponseMessage> ListAsync(HttpClient client, EntityTagHeaderValue? ifNoneMatch = null, string? acceptEncoding = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/files");
        if (ifNoneMatch is not null)
        {
            request.Headers.IfNoneMatch.Add(ifNoneMatch);
        }

        if (acceptEncoding is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        }

        return await client.SendAsync(request, Ct);
    }

    [Fact]
    public async Task List_WithTheCurrentETag_Is304_AndEveryChangeToTheStoreGivesANewListing()
    {
        await using var node = await TestNode.StartAsync();
        using var client = await node.CreateLoggedInClientAsync();
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync("/api/upload", Upload("one", "a.txt"), Ct)).StatusCode);

        using var first = await ListAsync(client);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("application/json", first.Content.Headers.ContentType?.MediaType);
        var etag = first.Headers.ETag ?? throw new InvalidOperationException("no ETag on the listing");
        Assert.False(Assert.Single((await first.JsonAsync()).GetProperty("files").EnumerateArray()).GetProperty("pinned").GetBoolean());

        using (var unchanged = await ListAsync(client, etag))
        {
            Assert.Equal(HttpStatusCode.NotModified, unchanged.StatusCode);
        }

        // Pinning changes no name and raises no Stored event; the listing must still show it.
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/files/a.txt/pin", null, Ct)).StatusCode);
        using var pinned = await ListAsync(client, etag);
        Assert.Equal(HttpStatusCode.OK, pinned.StatusCode);
        Assert.NotEqual(etag, pinned.Headers.ETag);
        Assert.True(Assert.Single((await pinned.JsonAsync()).GetProperty("files").EnumerateArray()).GetProperty("pinned").GetBoolean());

        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync("/api/upload", Upload("two", "b.txt"), Ct)).StatusCode);
        using var added = await ListAsync(client, pinned.Headers.ETag);
        Assert.Equal(["a.txt", "b.txt"], (await added.JsonAsync()).GetProperty("files").EnumerateArray().Select(f => f.GetProperty("name").GetString()));

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("/api/files/a.txt", Ct)).StatusCode);
        using var deleted = await ListAsync(client, added.Headers.ETag);
        Assert.Equal(["b.txt"], (await deleted.JsonAsync()).GetProperty("files").EnumerateArray().Select(f => f.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task List_ForAClientThatAcceptsGzip_IsTheSameJsonCompressed_WithItsOwnETag()
    {
        await using var node = await TestNode.StartAsync();
        using var client = await node.CreateLoggedInClientAsync();
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await client.PostAsync("/api/upload", Upload($"file {i}", $"f{i:00}.txt"), Ct)).StatusCode);
        }

        using var plain = await ListAsync(client);
        var json = await plain.Content.ReadAsByteArrayAsync(Ct);
        Assert.Empty(plain.Content.Headers.ContentEncoding);
        Assert.Contains("Accept-Encoding", plain.Headers.Vary);

        using var zipped = await ListAsync(client, acceptEncoding: "br;q=1.0, gzip;q=0.8, *;q=0.1");
        Assert.Equal(HttpStatusCode.OK, zipped.StatusCode);
        Assert.Equal(["gzip"], zipped.Content.Headers.ContentEncoding);
        Assert.Contains("Accept-Encoding", zipped.Headers.Vary);
        var compressed = await zipped.Content.ReadAsByteArrayAsync(Ct);
        Assert.True(compressed.Length < json.Length / 3, $"{compressed.Length} compressed bytes for {json.Length} of JSON");
        using (var gunzip = new System.IO.Compression.GZipStream(new MemoryStream(compressed), System.IO.Compression.CompressionMode.Decompress))
        using (var expanded = new MemoryStream())
        {
            await gunzip.CopyToAsync(expanded, Ct);
            Assert.Equal(json, expanded.ToArray());
        }

        // One representation's tag never revalidates the other, and each revalidates itself.
        var zippedTag = zipped.Headers.ETag ?? throw new InvalidOperationException("no ETag on the gzip listing");
        Assert.NotEqual(plain.Headers.ETag, zippedTag);
        using (var again = await ListAsync(client, zippedTag, "gzip"))
        {
            Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
        }

        using (var other = await ListAsync(client, zippedTag))
        {
            Assert.Equal(HttpStatusCode.OK, other.StatusCode);
            Assert.Equal(json, await other.Content.ReadAsByteArrayAsync(Ct));
        }

        // Refused explicitly, gzip is not sent even where * is accepted.
        using var refused = await ListAsync(client, acceptEncoding: "gzip;q=0, *");
        Assert.Empty(refused.Content.Headers.ContentEncoding);
        Assert.Equal(json, await refused.Content.ReadAsByteArrayAsync(Ct));
    }
}
