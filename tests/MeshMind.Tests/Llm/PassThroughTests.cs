using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MeshMind.FakeOllama;
using MeshMind.Llm.Local;
using MeshMind.Llm.Routing;
using MeshMind.Tests.Support;
using static MeshMind.Tests.Llm.LlmNodes;

namespace MeshMind.Tests.Llm;

/// <summary>
/// Ollama's streamed chat passes through a node, and through a peer's mesh port, as the bytes Ollama sent; only the last
/// line is parsed. What the pass-through must still do: end a broken answer with an error line, never with a finish.
/// </summary>
public sealed class PassThroughTests
{
    private static object OllamaChat(string content) =>
        new { model = "llama3", messages = new[] { new { role = "user", content } }, stream = true };

    private static async Task<(HttpStatusCode Status, string Body)> PostAsync(HttpClient client, string path, object body)
    {
        using var response = await client.PostAsJsonAsync(path, body, Ct);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(Ct));
    }

    private static List<JsonElement> Lines(string body) =>
        [.. body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone())];

    private static async Task<(FakeOllamaServer Ollama, TestNode Host, TestNode Thin)> ThroughAPeerAsync(FakeOllamaOptions options)
    {
        var ollama = await FixtureAsync(options);
        var host = await StartAsync("host", ollama.BaseAddress.ToString());
        var thin = await StartAsync("thin", NoLlm, [host]);
        await UntilRoutableAsync(thin, host);
        return (ollama, host, thin);
    }

    [Theory]
    [InlineData("/ollama/api/chat")]
    [InlineData("/api/chat")]
    public async Task OllamaChat_ThroughAPeer_ClientReceivesTheFixturesBytes(string path)
    {
        var (ollama, host, thin) = await ThroughAPeerAsync(new FakeOllamaOptions { KeepLastStream = true });
        await using (ollama)
        await using (host)
        await using (thin)
        {
            using var client = await thin.CreateLoggedInClientAsync();

            var (status, body) = await PostAsync(client, path, OllamaChat("pass these bytes along unchanged"));

            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(ollama.LastStream, body);
            var lines = Lines(body);
            Assert.True(lines[^1].GetProperty("done").GetBoolean());
            Assert.Equal("Echo from llama3:latest: pass these bytes along unchanged",
                string.Concat(lines.Select(l => l.GetProperty("message").GetProperty("content").GetString())));
        }
    }

    [Fact]
    public async Task OllamaChat_ThroughAPeer_FinalStatisticsReachTheAnalytics()
    {
        var (ollama, host, thin) = await ThroughAPeerAsync(new FakeOllamaOptions());
        await using (ollama)
        await using (host)
        await using (thin)
        {
            using var client = await thin.CreateLoggedInClientAsync();

            var (status, _) = await PostAsync(client, "/ollama/api/chat", OllamaChat("count my tokens"));

            Assert.Equal(HttpStatusCode.OK, status);
            // The host's health (breaker closed by a success, time to first token recorded) comes from the final line.
            var candidate = Assert.Single(Service<LlmHosts>(thin).Candidates(), c => c.Host.NodeId == Id(host));
            Assert.NotNull(candidate.ObservedTtftMs);
            // The host's own averages come from the final line's eval_count and eval_duration.
            Assert.NotNull(Service<LocalLlm>(host).Capability.TokensPerS);
        }
    }

    [Fact]
    public async Task OllamaChat_ErrorLineMidAnswer_EndsWithAnErrorLine_NotAFinish()
    {
        var (ollama, host, thin) = await ThroughAPeerAsync(new FakeOllamaOptions { Fault = FakeFault.ErrorAfterTokens, FaultAfterTokens = 2 });
        await using (ollama)
        await using (host)
        await using (thin)
        {
            using var client = await thin.CreateLoggedInClientAsync();

            var (status, body) = await PostAsync(client, "/ollama/api/chat", OllamaChat("one two three four"));

            Assert.Equal(HttpStatusCode.OK, status);
            var lines = Lines(body);
            Assert.Equal(3, lines.Count);
            Assert.All(lines.Take(2), l => Assert.False(l.GetProperty("done").GetBoolean()));
            Assert.DoesNotContain(lines, l => l.TryGetProperty("done", out var done) && done.GetBoolean());
            var error = lines[^1].GetProperty("error").GetString();
            Assert.Contains(FakeOllamaServer.ScriptedError, error);
            Assert.Contains("incomplete", error);
        }
    }

    [Fact]
    public async Task OllamaChat_StreamEndingWithoutDone_EndsWithAnErrorLine()
    {
        var (ollama, host, thin) = await ThroughAPeerAsync(new FakeOllamaOptions { Fault = FakeFault.EndAfterTokens, FaultAfterTokens = 2 });
        await using (ollama)
        await using (host)
        await using (thin)
        {
            using var client = await thin.CreateLoggedInClientAsync();

            var (status, body) = await PostAsync(client, "/ollama/api/chat", OllamaChat("one two three four"));

            Assert.Equal(HttpStatusCode.OK, status);
            var lines = Lines(body);
            Assert.Equal(3, lines.Count);
            Assert.DoesNotContain(lines, l => l.TryGetProperty("done", out var done) && done.GetBoolean());
            Assert.Contains("before finishing", lines[^1].GetProperty("error").GetString());
        }
    }

    [Fact]
    public async Task OllamaChat_FinalLineWithBrokenStatistics_EndsWithAnErrorLine_NotAFinish()
    {
        var (ollama, host, thin) = await ThroughAPeerAsync(new FakeOllamaOptions { Fault = FakeFault.BrokenFinalLine });
        await using (ollama)
        await using (host)
        await using (thin)
        {
            using var client = await thin.CreateLoggedInClientAsync();

            var (status, body) = await PostAsync(client, "/ollama/api/chat", OllamaChat("one two"));

            Assert.Equal(HttpStatusCode.OK, status);
            var lines = Lines(body);
            Assert.DoesNotContain(lines, l => l.TryGetProperty("done", out var done) && done.GetBoolean());
            Assert.Contains("incomplete", lines[^1].GetProperty("error").GetString());
        }
    }

    [Fact]
    public async Task ErrorLineBeforeTheFirstToken_IsAFailureToStart_NotAnAnswer()
    {
        await using var ollama = await FixtureAsync(new FakeOllamaOptions { Fault = FakeFault.ErrorAfterTokens, FaultAfterTokens = 0 });
        await using var node = await StartAsync("solo", ollama.BaseAddress.ToString());
        await UntilLocalLlmAsync(node);
        using var client = await node.CreateLoggedInClientAsync();

        var (status, body) = await PostAsync(client, "/ollama/api/chat", OllamaChat("hello"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Contains(FakeOllamaServer.ScriptedError, JsonDocument.Parse(body).RootElement.GetProperty("error").GetString());
    }
}
