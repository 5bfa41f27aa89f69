using System.Net.Http.Headers;
using System.Net.Http.Json;
using MeshMind.FakeOllama;
using MeshMind.Tests.Support;
using static MeshMind.Tests.Llm.LlmNodes;

namespace MeshMind.Tests.Llm;

/// <summary>
/// Two nodes: <see cref="Thin"/>, with no LLM of its own and an API key (<see cref="Key"/>), linked to <see cref="Host"/>,
/// whose Ollama is the fixture <see cref="Ollama"/>; so every answer asked of the thin node crosses the mesh.
/// </summary>
public sealed class ThinAndHost : IAsyncDisposable
{
    private ThinAndHost(FakeOllamaServer ollama, TestNode host, TestNode thin, string key)
    {
        Ollama = ollama;
        Host = host;
        Thin = thin;
        Key = key;
    }

    public FakeOllamaServer Ollama { get; }

    public TestNode Host { get; }

    public TestNode Thin { get; }

    public string Key { get; }

    /// <summary>The thin node's OpenAI-compatible base URL (<c>/v1</c>).</summary>
    public Uri OpenAiEndpoint => new(Thin.BaseAddress, "/v1");

    public static async Task<ThinAndHost> StartAsync(FakeOllamaOptions? options = null)
    {
        var ollama = await FixtureAsync(options);
        var host = await LlmNodes.StartAsync("host", ollama.BaseAddress.ToString());
        var thin = await LlmNodes.StartAsync("thin", NoLlm, [host]);
        await UntilRoutableAsync(thin, host);
        using var person = await thin.CreateLoggedInClientAsync();
        var created = await person.PostAsJsonAsync("/api/keys", new { name = "clients" }, Ct);
        var key = (await created.JsonAsync()).GetProperty("key").GetString()!;
        return new ThinAndHost(ollama, host, thin, key);
    }

    /// <summary>A client of the thin node with the API key; <paramref name="basePath"/> <c>/ollama/</c> (with its slash) for OllamaSharp.</summary>
    public HttpClient Http(string basePath = "/")
    {
        var http = new HttpClient { BaseAddress = new Uri(Thin.BaseAddress, basePath) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        return http;
    }

    public async ValueTask DisposeAsync()
    {
        await Thin.DisposeAsync();
        await Host.DisposeAsync();
        await Ollama.DisposeAsync();
    }
}
