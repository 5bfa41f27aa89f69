using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MeshMind.FakeOllama;
using MeshMind.Tests.Support;
using OllamaSharp;
using OllamaSharp.Models;

namespace MeshMind.Tests.Llm;

/// <summary>
/// The fixture's model management must be Ollama's as documented (pull, delete, show, tags with digests), or the mesh's
/// pull and delete are tested against something no Ollama does: checked with OllamaSharp and on the raw NDJSON.
/// </summary>
public sealed class FakeOllamaModelsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Pull_Streamed_ManifestThenLayersThenVerifyWriteSuccess_AndTheModelIsListed()
    {
        await using var server = await FakeOllamaServer.StartAsync(cancellationToken: Ct);
        using var client = new OllamaApiClient(server.BaseAddress);

        var lines = new List<PullModelResponse>();
        await foreach (var line in client.PullModelAsync("llama3.2:1b", Ct))
        {
            lines.Add(line!);
        }

        Assert.Equal("pulling manifest", lines[0].Status);
        var layer = lines.Where(l => l.Digest is { Length: > 0 }).ToList();
        Assert.True(layer.Count >= 3, $"expected layer progress lines, got {layer.Count}");
        Assert.StartsWith("pulling ", layer[0].Status);
        Assert.StartsWith("sha256:", layer[0].Digest);
        Assert.Equal(1_321_098_329, layer[0].Total);
        Assert.Equal(layer[0].Total, lines.Where(l => l.Digest == layer[0].Digest).Max(l => l.Completed));
        Assert.Equal(["verifying sha256 digest", "writing manifest", "success"], lines.TakeLast(3).Select(l => l.Status).ToArray());
        var models = (await client.ListLocalModelsAsync(Ct)).ToList();
        var pulled = Assert.Single(models, m => m.Name == "llama3.2:1b");
        Assert.Equal(64, pulled.Digest.Length);
        Assert.Equal("Q4_0", pulled.Details.QuantizationLevel);
    }

    [Fact]
    public async Task Pull_Paced_CompletedGrowsOverSeveralLines()
    {
        await using var server = await FakeOllamaServer.StartAsync(new FakeOllamaOptions
        {
            Pullable = [new FakeModel("tiny:1b", "llama", "1B", 1_000_000)],
            PullBytesPerSecond = 4_000_000,
            PullInterval = TimeSpan.FromMilliseconds(20),
        }, cancellationToken: Ct);
        using var client = new OllamaApiClient(server.BaseAddress);

        var completed = new List<long>();
        await foreach (var line in client.PullModelAsync("tiny:1b", Ct))
        {
            if (line!.Total == 1_000_000)
            {
                completed.Add(line.Completed);
            }
        }

        Assert.True(completed.Distinct().Count() >= 3, $"expected several progress steps, got {string.Join(", ", completed)}");
        Assert.Equal(completed.Order().ToArray(), completed.ToArray());
        Assert.Equal(1_000_000, completed[^1]);
    }

    [Fact]
    public async Task Pull_UnknownModel_StreamEndsWithError_NotStreamedIs500()
    {
        await using var server = await FakeOllamaServer.StartAsync(cancellationToken: Ct);
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        var streamed = await http.PostAsJsonAsync("/api/pull", new { model = "no-such-model" }, Ct);
        var lines = (await streamed.Content.ReadAsStringAsync(Ct)).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var whole = await http.PostAsJsonAsync("/api/pull", new { model = "no-such-model", stream = false }, Ct);

        Assert.Equal(HttpStatusCode.OK, streamed.StatusCode);
        Assert.Equal("pulling manifest", lines[0].GetProperty("status").GetString());
        Assert.Equal(FakeOllamaServer.PullNotFound, lines[^1].GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.InternalServerError, whole.StatusCode);
        Assert.Equal(FakeOllamaServer.PullNotFound, (await whole.JsonAsync()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Pull_NotStreamed_AnswersOneSuccess()
    {
        await using var server = await FakeOllamaServer.StartAsync(cancellationToken: Ct);
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        var response = await http.PostAsJsonAsync("/api/pull", new { model = "qwen2.5:0.5b", stream = false }, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"status":"success"}""", await response.Content.ReadAsStringAsync(Ct));
        Assert.Contains(server.Options.Models, m => m.Name == "qwen2.5:0.5b");
    }

    [Fact]
    public async Task Delete_ListedModel_Gone_ThenNotFound()
    {
        await using var server = await FakeOllamaServer.StartAsync(cancellationToken: Ct);
        using var client = new OllamaApiClient(server.BaseAddress);
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        await client.DeleteModelAsync("phi3:mini", Ct);
        using var again = await http.SendAsync(new HttpRequestMessage(HttpMethod.Delete, "/api/delete") { Content = JsonContent.Create(new { model = "phi3:mini" }) }, Ct);

        Assert.Equal(["llama3:latest"], (await client.ListLocalModelsAsync(Ct)).Select(m => m.Name).ToArray());
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Contains("not found", (await again.JsonAsync()).GetProperty("error").GetString());
        Assert.Equal(2, server.DeleteRequests);
    }

    [Fact]
    public async Task Show_KnownModel_DetailsAndModelInfo_UnknownIs404()
    {
        await using var server = await FakeOllamaServer.StartAsync(cancellationToken: Ct);
        using var client = new OllamaApiClient(server.BaseAddress);
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        var shown = await client.ShowModelAsync("llama3", Ct);
        var missing = await http.PostAsJsonAsync("/api/show", new { model = "nope" }, Ct);

        Assert.Equal("llama", shown.Details.Family);
        Assert.Equal("Q4_0", shown.Details.QuantizationLevel);
        Assert.Contains("FROM llama3:latest", shown.Modelfile);
        Assert.Equal("llama", shown.Info.Architecture);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Tags_ListTheDigestSet_ForAModel()
    {
        var digest = new string('a', 64);
        await using var server = await FakeOllamaServer.StartAsync(new FakeOllamaOptions { Models = [new FakeModel("m:1", "llama", "1B", 10) { Digest = digest }] }, cancellationToken: Ct);
        using var client = new OllamaApiClient(server.BaseAddress);

        Assert.Equal(digest, Assert.Single(await client.ListLocalModelsAsync(Ct)).Digest);
    }
}
