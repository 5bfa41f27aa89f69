using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MeshMind.FakeOllama;
using OllamaSharp;
using OllamaSharp.Models;
using OllamaSharp.Models.Chat;

namespace MeshMind.Tests.Llm;

/// <summary>
/// The scripted Ollama-protocol fixture must be faithful to Ollama's documented API, or tests built on it prove
/// nothing: it is checked here with OllamaSharp, a real Ollama client, and on the raw NDJSON.
/// </summary>
public sealed class FakeOllamaTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OllamaSharp_ListsModelsRunningModelsAndVersion()
    {
        await using var server = await FakeOllamaServer.StartAsync(cancellationToken: Ct);
        using var client = new OllamaApiClient(server.BaseAddress);

        var models = (await client.ListLocalModelsAsync(Ct)).ToList();
        var running = (await client.ListRunningModelsAsync(Ct)).ToList();
        var version = await client.GetVersionAsync(Ct);

        Assert.Equal(["llama3:latest", "phi3:mini"], models.Select(m => m.Name).ToArray());
        Assert.Equal("llama", models[0].Details.Family);
        Assert.Equal("8.0B", models[0].Details.ParameterSize);
        Assert.Equal("llama3:latest", Assert.Single(running).Name);
        Assert.Equal("0.12.6", version);
    }

    [Fact]
    public async Task OllamaSharp_StreamsChatTokensThenFinalStatistics()
    {
        await using var server = await FakeOllamaServer.StartAsync(cancellationToken: Ct);
        using var client = new OllamaApiClient(server.BaseAddress);

        var chunks = new List<ChatResponseStream>();
        await foreach (var chunk in client.ChatAsync(new ChatRequest { Model = "llama3", Messages = [new Message(ChatRole.User, "hello mesh")] }, Ct))
        {
            chunks.Add(chunk!);
        }

        var expected = FakeOllamaServer.Tokens("Echo from llama3:latest: hello mesh");
        Assert.Equal(expected, chunks.Where(c => !c.Done).Select(c => c.Message.Content ?? "").ToArray());
        var final = Assert.IsType<ChatDoneResponseStream>(chunks[^1]);
        Assert.True(final.Done);
        Assert.Equal(expected.Count, final.EvalCount);
        Assert.True(final.TotalDuration > 0);
        Assert.Equal(1, server.Completed);
    }

    [Fact]
    public async Task OllamaSharp_StreamsGenerate()
    {
        await using var server = await FakeOllamaServer.StartAsync(new FakeOllamaOptions { Reply = "one two three" }, cancellationToken: Ct);
        using var client = new OllamaApiClient(server.BaseAddress);

        var text = new StringBuilder();
        await foreach (var chunk in client.GenerateAsync(new GenerateRequest { Model = "phi3:mini", Prompt = "count" }, Ct))
        {
            text.Append(chunk!.Response);
        }

        Assert.Equal("one two three", text.ToString());
    }

    [Fact]
    public async Task Chat_TokensPerSecond_NoTokenBeforeItsTimeAndEveryTokenSent()
    {
        const int Count = 200;
        const double Rate = 2_000;
        var reply = string.Join(' ', Enumerable.Range(1, Count).Select(i => $"w{i}"));
        await using var server = await FakeOllamaServer.StartAsync(new FakeOllamaOptions { Reply = reply, TokensPerSecond = Rate }, cancellationToken: Ct);
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var response = await http.PostAsJsonAsync("/api/chat",
            new { model = "llama3:latest", messages = new[] { new { role = "user", content = "count" } } }, Ct);
        var lines = (await response.Content.ReadAsStringAsync(Ct)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var elapsed = clock.Elapsed;

        // The last token is due (Count - 1) / Rate after the first, so the answer cannot take less (99.5 ms here).
        Assert.True(elapsed >= TimeSpan.FromSeconds((Count - 1) / Rate), $"{Count} tokens at {Rate}/s arrived in {elapsed.TotalMilliseconds:F1} ms");
        Assert.Equal(Count + 1, lines.Length);
        Assert.Equal(reply, string.Concat(lines[..^1].Select(l => JsonDocument.Parse(l).RootElement.GetProperty("message").GetProperty("content").GetString())));
        Assert.True(JsonDocument.Parse(lines[^1]).RootElement.GetProperty("done").GetBoolean());
    }

    [Fact]
    public async Task Chat_NotStreamed_OneObjectWithMessageAndStatistics()
    {
        await using var server = await FakeOllamaServer.StartAsync(cancellationToken: Ct);
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        var response = await http.PostAsJsonAsync("/api/chat",
            new { model = "llama3:latest", stream = false, messages = new[] { new { role = "user", content = "hi" } } }, Ct);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));

        Assert.Equal("Echo from llama3:latest: hi", body.RootElement.GetProperty("message").GetProperty("content").GetString());
        Assert.True(body.RootElement.GetProperty("done").GetBoolean());
        Assert.Equal("stop", body.RootElement.GetProperty("done_reason").GetString());
        Assert.True(body.RootElement.GetProperty("eval_count").GetInt32() > 0);
    }

    [Fact]
    public async Task Chat_UnknownModel_404WithOllamasErrorShape()
    {
        await using var server = await FakeOllamaServer.StartAsync(cancellationToken: Ct);
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        var response = await http.PostAsJsonAsync("/api/chat", new { model = "nope", messages = Array.Empty<object>() }, Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("not found", (await response.Content.ReadAsStringAsync(Ct)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Faults_ServerErrorDieAndStall_BehaveAsScripted()
    {
        await using var failing = await FakeOllamaServer.StartAsync(new FakeOllamaOptions { Fault = FakeFault.ServerError }, cancellationToken: Ct);
        await using var dying = await FakeOllamaServer.StartAsync(new FakeOllamaOptions { Fault = FakeFault.DieAfterTokens, FaultAfterTokens = 2 }, cancellationToken: Ct);
        await using var stalling = await FakeOllamaServer.StartAsync(new FakeOllamaOptions { Fault = FakeFault.StallAfterTokens, FaultAfterTokens = 1 }, cancellationToken: Ct);
        using var http = new HttpClient();
        var body = new { model = "llama3:latest", messages = new[] { new { role = "user", content = "a b c d e" } } };

        var error = await http.PostAsJsonAsync(new Uri(failing.BaseAddress, "/api/chat"), body, Ct);
        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);

        // Dies after two tokens: the stream breaks off without a done line.
        var lines = new List<string>();
        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            using var die = await http.SendAsync(new HttpRequestMessage(HttpMethod.Post, new Uri(dying.BaseAddress, "/api/chat")) { Content = JsonContent.Create(body) },
                HttpCompletionOption.ResponseHeadersRead, Ct);
            using var reader = new StreamReader(await die.Content.ReadAsStreamAsync(Ct));
            while (await reader.ReadLineAsync(Ct) is { } line)
            {
                lines.Add(line);
            }

            throw new EndOfStreamException("ended cleanly");
        });
        Assert.Equal(2, lines.Count);
        Assert.DoesNotContain(lines, l => l.Contains("\"done\":true", StringComparison.Ordinal));

        // Stalls after one token; the client gives up and the server sees the cancellation.
        using var stall = await http.SendAsync(new HttpRequestMessage(HttpMethod.Post, new Uri(stalling.BaseAddress, "/api/chat")) { Content = JsonContent.Create(body) },
            HttpCompletionOption.ResponseHeadersRead, Ct);
        using (var reader = new StreamReader(await stall.Content.ReadAsStreamAsync(Ct)))
        {
            Assert.NotNull(await reader.ReadLineAsync(Ct));
            using var patience = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            patience.CancelAfter(TimeSpan.FromMilliseconds(300));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await reader.ReadLineAsync(patience.Token));
        }

        stall.Dispose();
        await Support.Wait.UntilAsync(() => stalling.Cancelled == 1, TimeSpan.FromSeconds(10), "the stalled stream's cancellation to reach the server");
    }

    [Fact]
    public async Task Fault_Refuse_ConnectionClosed()
    {
        await using var server = await FakeOllamaServer.StartAsync(new FakeOllamaOptions { Fault = FakeFault.Refuse }, cancellationToken: Ct);
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        // Depending on when the abort lands, the client reports it wrapped (HttpRequestException) or as the raw socket error.
        var error = await Assert.ThrowsAnyAsync<Exception>(() => http.GetAsync("/api/tags", Ct));
        Assert.True(error is HttpRequestException or IOException or System.Net.Sockets.SocketException, $"unexpected {error.GetType()}: {error.Message}");
    }
}
