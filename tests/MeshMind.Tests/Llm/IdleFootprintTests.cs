using System.Net;
using System.Reflection;
using System.Runtime.CompilerServices;
using MeshMind.Llm;
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
        Assert.False(maps.Contains("OllamaSharp.dll", StringComparison.Ordinal), "OllamaSharp is loaded; the node's output:\n" + node.Output);
        Assert.False(maps.Contains("Microsoft.Extensions.AI", StringComparison.Ordinal), "Microsoft.Extensions.AI is loaded; the node's output:\n" + node.Output);
    }

    /// <summary>
    /// The probe's refused connect can throw synchronously, and the runtime then names the stack's async frames by reading
    /// the state-machine attribute of every method of <see cref="LocalLlm"/>, loading each state machine: none of them may
    /// hold an OllamaSharp type (the test above sees this only when the connect happens to fail that way).
    /// </summary>
    [Fact]
    public void LocalLlm_AsyncMethods_HoldNoOllamaSharpType()
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var stateMachines = typeof(LocalLlm).GetMethods(all)
            .Select(m => m.GetCustomAttribute<StateMachineAttribute>()?.StateMachineType)
            .OfType<Type>()
            .ToList();

        Assert.NotEmpty(stateMachines); // ProbeAsync and ListeningAsync
        var ollamaTypes = stateMachines
            .SelectMany(t => t.GetFields(all))
            .Where(f => Mentions(f.FieldType, "OllamaSharp"))
            .Select(f => $"{f.DeclaringType!.Name}.{f.Name}: {f.FieldType}");
        Assert.Empty(ollamaTypes);
    }

    private static bool Mentions(Type type, string assembly) =>
        type.Assembly.GetName().Name == assembly
        || (type.HasElementType && Mentions(type.GetElementType()!, assembly))
        || (type.IsGenericType && type.GetGenericArguments().Any(a => Mentions(a, assembly)));
}
