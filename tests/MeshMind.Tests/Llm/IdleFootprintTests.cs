using System.Net;
using MeshMind.Tests.Infrastructure;

namespace MeshMind.Tests.Llm;

/// <summary>
/// A node without an LLM keeps the Ollama client library out of its memory: OllamaSharp and Microsoft.Extensions.AI are
/// loaded only when a probe finds something listening at the Ollama URL (about 1 MB of an idle node).
/// </summary>
public sealed class IdleFootprintTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task NodeWithoutLlm_ProbedAndRouted_HasNotLoadedOllamaSharp()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "Skipped: loaded assemblies are read from /proc, which only Linux has.");
        var ct = TestContext.Current.CancellationToken;
        await using var node = NodeProcess.Start(_dir.Path,
            ["--http-port", "0", "--http-bind", "127.0.0.1", "--discovery", "off", "--ollama-url", "http://127.0.0.1:9"]);
        var address = await node.WaitForListeningAsync(cancellationToken: ct);

        // The first probe has found nothing, and every endpoint has been built (the first request builds the route table,
        // including the chat endpoints of the Ollama and OpenAI APIs, whose handlers use OllamaSharp's types).
        await Wait.UntilAsync(() => node.Output.Contains("LlmProbe[601]", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the first probe");
        using var client = new HttpClient { BaseAddress = address };
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync("/ollama/api/chat", new StringContent("{}"), ct)).StatusCode);

        var maps = await File.ReadAllTextAsync($"/proc/{node.ProcessId}/maps", ct);
        Assert.Contains("meshmind.dll", maps, StringComparison.Ordinal); // the check sees the node's own assemblies
        Assert.DoesNotContain("OllamaSharp.dll", maps, StringComparison.Ordinal);
        Assert.DoesNotContain("Microsoft.Extensions.AI", maps, StringComparison.Ordinal);
    }
}
