using System.Net;
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
        var html = await client.GetStringAsync("/app/", Ct);
        var script = System.Text.RegularExpressions.Regex.Match(html, "src=\"(/app/assets/[^\"]+\\.js)\"").Groups[1].Value;
        Assert.NotEmpty(script);

        var response = await client.GetAsync(script, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("immutable", response.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/app/assets/missing-file.js", Ct)).StatusCode);
    }
}
