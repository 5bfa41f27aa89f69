using System.Net;
using MeshMind.Llm.Local;
using MeshMind.Tests.Support;

namespace MeshMind.Tests.Llm;

/// <summary>
/// A node without an LLM keeps Ollama client machinery out of its memory (about 1 MB of an idle node, measured when the
/// node still used OllamaSharp and Microsoft.Extensions.AI): neither is loaded, whatever the probe and the routes do. Nor
/// are the OpenAPI and MVC libraries (about 2 MB), which only <c>meshmind openapi</c> uses.
/// </summary>
public sealed class IdleFootprintTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task NodeWithoutLlm_ProbedAndRouted_HasNotLoadedOllamaSharpNorOpenApi()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "Skipped: loaded assemblies are read from /proc, which only Linux has.");
        var ct = TestContext.Current.CancellationToken;
        await using var node = NodeProcess.Start(_dir.Path,
            ["--http-port", "0", "--http-bind", "127.0.0.1", "--discovery", "off", "--ollama-url", "http://127.0.0.1:9"]);
        var address = await node.WaitForListeningAsync(cancellationToken: ct);

        // The first probe has found nothing, and every endpoint has been built (the first request builds the route table,
        // including the chat endpoints of the Ollama and OpenAI APIs).
        await Wait.UntilAsync(() => node.Output.Contains("LlmProbe[601]", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the first probe");
        using var client = new HttpClient { BaseAddress = address };
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync("/ollama/api/chat", new StringContent("{}"), ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/openapi/v1.json", ct)).StatusCode);

        var maps = await File.ReadAllTextAsync($"/proc/{node.ProcessId}/maps", ct);
        Assert.Contains("meshmind.dll", maps, StringComparison.Ordinal); // the check sees the node's own assemblies
        Assert.False(maps.Contains("OllamaSharp.dll", StringComparison.Ordinal), "OllamaSharp is loaded; the node's output:\n" + node.Output);
        Assert.False(maps.Contains("Microsoft.Extensions.AI", StringComparison.Ordinal), "Microsoft.Extensions.AI is loaded; the node's output:\n" + node.Output);
        Assert.False(maps.Contains("OpenApi.dll", StringComparison.Ordinal), "an OpenAPI library is loaded");
        Assert.False(maps.Contains("Microsoft.AspNetCore.Mvc", StringComparison.Ordinal), "an MVC library is loaded");
    }

    /// <summary>
    /// Ollama's and OpenAI's wire types are MeshMind's own, inside their adapters (Llm/Ollama, Llm/OpenAi): the node does not
    /// depend on an Ollama or AI client library at all, so no start-up workaround is needed to keep one unloaded.
    /// </summary>
    [Fact]
    public void TheNode_ReferencesNoOllamaOrAiClientLibrary()
    {
        var referenced = typeof(LocalLlm).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.Contains("Microsoft.Data.Sqlite", referenced); // the check sees the node's references
        Assert.DoesNotContain(referenced, name => name.StartsWith("OllamaSharp", StringComparison.Ordinal));
        Assert.DoesNotContain(referenced, name => name.StartsWith("Microsoft.Extensions.AI", StringComparison.Ordinal));
    }
}
