using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using MeshMind.Tests.Support;

namespace MeshMind.Tests.Web;

public sealed class WebUiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Root_RedirectsToApp()
    {
        await using var node = await TestNode.StartAsync();
        using var client = node.CreateClient();

        var response = await client.GetAsync("/", Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/app/", response.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("/app/")]
    [InlineData("/app/network")]
    [InlineData("/app/files/deep/link")]
    public async Task AppRoute_Anonymous_ServesIndexHtml(string path)
    {
        await using var node = await TestNode.StartAsync();
        using var client = node.CreateClient();

        var response = await client.GetAsync(path, Ct);
        var html = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<div id=\"root\">", html, StringComparison.Ordinal);
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
    }

    [Fact]
    public async Task Assets_ReferencedByIndex_ServedWithLongCache()
    {
        await using var node = await TestNode.StartAsync();
        using var client = node.CreateClient();
        var script = await ScriptOfIndexAsync(client);

        var response = await client.GetAsync(script, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("immutable", response.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/app/assets/missing-file.js", Ct)).StatusCode);
    }

    [Fact]
    public async Task TextAssets_SentGzipToClientsThatAcceptIt_AndThePlainBytesToOthers()
    {
        await using var node = await TestNode.StartAsync();
        using var client = node.CreateClient();
        var script = await ScriptOfIndexAsync(client);

        using var plain = await client.GetAsync(script, Ct);
        var plainBytes = await plain.Content.ReadAsByteArrayAsync(Ct);
        using var gzipRequest = new HttpRequestMessage(HttpMethod.Get, script);
        gzipRequest.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        gzipRequest.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("br"));
        using var gzipped = await client.SendAsync(gzipRequest, Ct);
        var gzippedBytes = await gzipped.Content.ReadAsByteArrayAsync(Ct);
        using var refusing = new HttpRequestMessage(HttpMethod.Get, script);
        refusing.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip;q=0, *");
        using var refused = await client.SendAsync(refusing, Ct);

        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.Empty(plain.Content.Headers.ContentEncoding);
        Assert.Equal(plainBytes.Length, plain.Content.Headers.ContentLength);
        Assert.Contains("Accept-Encoding", plain.Headers.Vary);
        Assert.Equal("text/javascript", plain.Content.Headers.ContentType?.MediaType);

        Assert.Equal(HttpStatusCode.OK, gzipped.StatusCode);
        Assert.Equal(["gzip"], gzipped.Content.Headers.ContentEncoding);
        Assert.Contains("Accept-Encoding", gzipped.Headers.Vary);
        Assert.Equal("text/javascript", gzipped.Content.Headers.ContentType?.MediaType);
        Assert.Contains("immutable", gzipped.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        Assert.True(gzippedBytes.Length < plainBytes.Length / 2, $"{gzippedBytes.Length} bytes compressed, {plainBytes.Length} plain");
        Assert.Equal(plainBytes, Gunzip(gzippedBytes));

        Assert.Empty(refused.Content.Headers.ContentEncoding);
        Assert.Equal(plainBytes, await refused.Content.ReadAsByteArrayAsync(Ct));
    }

    [Fact]
    public async Task IndexHtml_SentGzipToClientsThatAcceptIt()
    {
        await using var node = await TestNode.StartAsync();
        using var client = node.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/app/files");
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));

        using var response = await client.SendAsync(request, Ct);
        var html = System.Text.Encoding.UTF8.GetString(Gunzip(await response.Content.ReadAsByteArrayAsync(Ct)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["gzip"], response.Content.Headers.ContentEncoding);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Contains("<div id=\"root\">", html, StringComparison.Ordinal);
    }

    /// <summary>The path of the script index.html loads.</summary>
    private static async Task<string> ScriptOfIndexAsync(HttpClient client)
    {
        var html = await client.GetStringAsync("/app/", Ct);
        var script = System.Text.RegularExpressions.Regex.Match(html, "src=\"(/app/assets/[^\"]+\\.js)\"").Groups[1].Value;
        Assert.NotEmpty(script);
        return script;
    }

    private static byte[] Gunzip(byte[] compressed)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress))
        {
            gzip.CopyTo(output);
        }

        return output.ToArray();
    }
}
