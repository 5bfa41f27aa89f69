using System.Net;
using System.Net.Http.Headers;
using MeshMind.Tests.Infrastructure;
using static MeshMind.Tests.Llm.LlmNodes;

namespace MeshMind.Tests.Files;

/// <summary><c>GET /api/files</c> is served from a kept, pre-serialised listing: it must change exactly when what it shows does.</summary>
public sealed class FileListingTests
{
    private static MultipartFormDataContent Upload(string text, string fileName) =>
        new() { { new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(text)), "file", fileName } };

    private static async Task<HttpResponseMessage> ListAsync(HttpClient client, EntityTagHeaderValue? ifNoneMatch = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/files");
        if (ifNoneMatch is not null)
        {
            request.Headers.IfNoneMatch.Add(ifNoneMatch);
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
}
