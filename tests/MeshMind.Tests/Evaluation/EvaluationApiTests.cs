using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MeshMind.Evaluation;
using MeshMind.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using static MeshMind.Tests.Llm.LlmNodes;

namespace MeshMind.Tests.Evaluation;

/// <summary>
/// <c>/api/evaluations</c> (issue 18, point 5): a node runs <c>meshmind-lab eval</c> against itself with a key made for the run. The
/// real meshmind-lab from the test's output folder (a project reference) runs here, against a node whose LLM is the Ollama fixture.
/// </summary>
public sealed class EvaluationApiTests
{
    private static readonly TimeSpan s_run = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Start_WithoutSessionOrKey_401()
    {
        await using var node = await TestNode.StartAsync();
        using var client = node.CreateClient();

        var response = await client.PostAsJsonAsync("/api/evaluations", new { duration_seconds = 10 }, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/evaluations", Ct)).StatusCode);
    }

    [Theory]
    [InlineData("{\"duration_seconds\": 9}", "10 to 300")]
    [InlineData("{\"duration_seconds\": 301}", "10 to 300")]
    [InlineData("{\"duration_seconds\": \"ten\"}", "not valid")]
    [InlineData("{\"duration_seconds\": 12.5}", "not valid")]
    public async Task Start_BadDuration_400WithWhatToSend(string body, string message)
    {
        await using var node = await TestNode.StartAsync();
        using var client = await node.CreateLoggedInClientAsync();

        var response = await client.PostAsync("/api/evaluations", new StringContent(body, Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, (await response.JsonAsync()).GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, (await client.GetFromJsonAsync<JsonElement>("/api/evaluations", Ct)).GetArrayLength());
    }

    [Fact]
    public async Task Start_BodyLargerThan1KiB_413()
    {
        await using var node = await TestNode.StartAsync();
        using var client = await node.CreateLoggedInClientAsync();

        var body = "{\"duration_seconds\": 10, \"padding\": \"" + new string('x', 2000) + "\"}";
        var response = await client.PostAsync("/api/evaluations", new StringContent(body, Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Start_LabProgramNotBesideTheNode_503SayingHowToInstallIt()
    {
        using var empty = new TempDirectory();
        await using var node = await TestNode.StartAsync(services: s => s.Replace(ServiceDescriptor.Singleton(new LabProgram(empty.Path))));
        using var client = await node.CreateLoggedInClientAsync();

        var response = await client.PostAsJsonAsync("/api/evaluations", new { duration_seconds = 10 }, Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var error = (await response.JsonAsync()).GetProperty("error").GetString()!;
        Assert.Contains("meshmind-lab is not installed beside this node", error, StringComparison.Ordinal);
        Assert.Contains("dotnet publish src/MeshMind.Lab", error, StringComparison.Ordinal);
        Assert.Empty(await EvaluationKeysAsync(client));
    }

    [Fact]
    public async Task Start_RunsEvalAgainstThisNode_SecondStart409_ReportAndResultsServed_KeyRemovedAfter()
    {
        await using var ollama = await FixtureAsync(new() { TokenDelay = TimeSpan.FromMilliseconds(5) });
        await using var peer = await StartAsync("bravo", NoLlm);
        await using var node = await StartAsync("solo", ollama.BaseAddress.ToString(), [peer]);
        await UntilLocalLlmAsync(node);
        await UntilLinkedAsync(node, peer);
        using var client = await node.CreateLoggedInClientAsync();

        var started = await client.PostAsJsonAsync("/api/evaluations", new { duration_seconds = 10 }, Ct);

        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var run = await started.JsonAsync();
        var id = run.GetProperty("id").GetString()!;
        Assert.Equal($"/api/evaluations/{id}", started.Headers.Location?.OriginalString);
        Assert.Equal("running", run.GetProperty("state").GetString());
        // The run's own key exists while it runs; a second run is refused meanwhile.
        Assert.Single(await EvaluationKeysAsync(client));
        var second = await client.PostAsJsonAsync("/api/evaluations", new { duration_seconds = 10 }, Ct);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Contains(id, (await second.JsonAsync()).GetProperty("error").GetString(), StringComparison.Ordinal);

        var seen = new HashSet<string>(StringComparer.Ordinal);
        JsonElement done = default;
        await Wait.UntilAsync(async () =>
        {
            done = await client.GetFromJsonAsync<JsonElement>($"/api/evaluations/{id}", Ct);
            seen.Add(done.GetProperty("phase").GetString()!);
            return done.GetProperty("state").GetString() != "running";
        }, s_run, "the evaluation to end");

        Assert.True(done.GetProperty("state").GetString() == "completed", done.ToString());
        Assert.True(done.GetProperty("has_report").GetBoolean());
        Assert.Contains("load", seen);
        Assert.Equal(done.GetProperty("total_seconds").GetDouble(), done.GetProperty("elapsed_seconds").GetDouble());
        Assert.Empty(await EvaluationKeysAsync(client));

        var report = await client.GetAsync($"/api/evaluations/{id}/report", Ct);
        Assert.Equal(HttpStatusCode.OK, report.StatusCode);
        Assert.Equal("text/html", report.Content.Headers.ContentType?.MediaType);
        Assert.Contains("sandbox", report.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'self'", report.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("SAMEORIGIN", report.Headers.GetValues("X-Frame-Options").Single());
        Assert.Contains("<figure class=\"chart\"", await report.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        var results = await client.GetAsync($"/api/evaluations/{id}/results.json", Ct);
        Assert.Equal(HttpStatusCode.OK, results.StatusCode);
        Assert.Equal("attachment", results.Content.Headers.ContentDisposition?.DispositionType);
        var json = await results.JsonAsync();
        Assert.True(json.GetProperty("complete").GetBoolean());
        Assert.True(json.GetProperty("latency").GetProperty("paths").GetProperty("chat_ttft").GetProperty("count").GetInt32() > 0);
        Assert.True(json.GetProperty("latency").GetProperty("paths").GetProperty("files").GetProperty("count").GetInt32() > 0);
        // The node answered its chats itself, and eval names it.
        Assert.Equal("solo", Assert.Single(json.GetProperty("latency").GetProperty("chat_hosts").EnumerateArray()).GetProperty("host").GetString());
        // Eval holds a key for this node only; the peer's CPU and memory come as the peer reports them to it (/api/resources).
        var resources = json.GetProperty("resources").GetProperty("nodes").EnumerateArray().ToDictionary(n => n.GetProperty("node").GetString()!);
        Assert.Equal(["bravo", "solo"], resources.Keys.Order(StringComparer.Ordinal));
        Assert.True(resources["bravo"].GetProperty("max_memory_mb").GetDouble() > 1, resources["bravo"].ToString());

        // The list holds it, and the node starts another run once this one is over.
        var list = await client.GetFromJsonAsync<JsonElement>("/api/evaluations", Ct);
        Assert.Equal(id, list[0].GetProperty("id").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/evaluations/0000000000000000/report", Ct)).StatusCode);
    }

    [Fact]
    public async Task Cancel_RunningEvaluation_EndsCancelled_KeyRemoved_SecondCancel409()
    {
        await using var node = await TestNode.StartAsync();
        using var client = await node.CreateLoggedInClientAsync();
        var started = await client.PostAsJsonAsync("/api/evaluations", new { duration_seconds = 300 }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var id = (await started.JsonAsync()).GetProperty("id").GetString()!;
        // Into its idle phase first, so the stop is the run's, not its start-up's.
        await Wait.UntilAsync(async () => (await client.GetFromJsonAsync<JsonElement>($"/api/evaluations/{id}", Ct)).GetProperty("phase").GetString() == "idle",
            s_run, "the evaluation's idle phase");

        var cancelled = await client.PostAsync($"/api/evaluations/{id}/cancel", null, Ct);

        Assert.Equal(HttpStatusCode.Accepted, cancelled.StatusCode);
        JsonElement done = default;
        await Wait.UntilAsync(async () =>
        {
            done = await client.GetFromJsonAsync<JsonElement>($"/api/evaluations/{id}", Ct);
            return done.GetProperty("state").GetString() != "running";
        }, TimeSpan.FromSeconds(30), "the evaluation to stop");
        Assert.Equal("cancelled", done.GetProperty("state").GetString());
        // eval wrote its partial report on the way out.
        Assert.True(done.GetProperty("has_report").GetBoolean());
        Assert.Empty(await EvaluationKeysAsync(client));
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsync($"/api/evaluations/{id}/cancel", null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/api/evaluations/0000000000000000/cancel", null, Ct)).StatusCode);
    }

    private static async Task<List<string>> EvaluationKeysAsync(HttpClient client) =>
        [.. (await client.GetFromJsonAsync<JsonElement>("/api/keys", Ct)).EnumerateArray()
            .Select(k => k.GetProperty("name").GetString()!).Where(n => n.StartsWith(Evaluations.KeyNamePrefix, StringComparison.Ordinal))];
}
