using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using MeshMind.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using static MeshMind.Tests.Llm.LlmNodes;

namespace MeshMind.Tests.Analytics;

/// <summary>What operators' tools read: Prometheus text on /metrics, health probes, and W3C trace context across the mesh.</summary>
public sealed partial class TelemetryTests
{
    [GeneratedRegex(@"^# TYPE (?<name>[a-zA-Z_:][a-zA-Z0-9_:]*) (?<type>counter|gauge|histogram|summary|untyped)$")]
    private static partial Regex TypeLine();

    [GeneratedRegex(@"^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*$")]
    private static partial Regex HelpLine();

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[a-zA-Z_][a-zA-Z0-9_]*=""(\\.|[^""\\])*""(,[a-zA-Z_][a-zA-Z0-9_]*=""(\\.|[^""\\])*"")*,?)?\})? (?<value>[^ ]+)( -?[0-9]+)?$")]
    private static partial Regex SampleLine();

    /// <summary>Parses the Prometheus text exposition format strictly: every line is a HELP, a TYPE or a sample of a declared family.</summary>
    private static Dictionary<string, string> ParsePrometheus(string text)
    {
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n').Where(l => l.Length > 0))
        {
            if (TypeLine().Match(line) is { Success: true } type)
            {
                Assert.True(types.TryAdd(type.Groups["name"].Value, type.Groups["type"].Value), $"family declared twice: {line}");
                continue;
            }

            if (HelpLine().IsMatch(line) || line.StartsWith("# EOF", StringComparison.Ordinal))
            {
                continue;
            }

            var sample = SampleLine().Match(line);
            Assert.True(sample.Success, $"not a Prometheus line: {line}");
            var value = sample.Groups["value"].Value;
            Assert.True(value is "+Inf" or "-Inf" or "NaN" || double.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out _), $"bad value: {line}");
            var name = sample.Groups["name"].Value;
            var family = types.Keys.Where(f => name == f || name.StartsWith(f + "_", StringComparison.Ordinal)).MaxBy(f => f.Length);
            Assert.True(family is not null, $"sample of an undeclared family: {line}");
            if (types[family] == "histogram")
            {
                Assert.Contains(name[family.Length..], new[] { "_bucket", "_sum", "_count" });
            }
        }

        return types;
    }

    [Fact]
    public async Task Metrics_IsPrometheusText_WithRuntimeProcessHttpAndMeshMindFamilies()
    {
        // A node process of its own: in-process nodes of other tests would share the meter's name with it.
        const string password = "metrics-test-password";
        using var dir = new TempDirectory();
        await using var ollama = await FixtureAsync();
        await using var node = NodeProcess.Start(dir.Path,
            ["--data-dir", dir.Combine("data"), "--http-port", "0", "--http-bind", "127.0.0.1", "--mesh-port", "0", "--mesh-bind", "127.0.0.1",
                "--discovery", "off", "--ollama-url", ollama.BaseAddress.ToString()],
            new Dictionary<string, string> { ["NODE_PASSWORD"] = password, ["MESHMIND__Llm__ProbeInterval"] = "00:00:00.200" });
        var address = await node.WaitForListeningAsync(cancellationToken: Ct);
        using var client = new HttpClient(new HttpClientHandler { CookieContainer = new System.Net.CookieContainer() }) { BaseAddress = address };
        (await client.PostAsJsonAsync("/api/auth/login", new { username = "admin", password }, Ct)).EnsureSuccessStatusCode();
        await Wait.UntilAsync(async () => (await (await client.GetAsync("/api/status", Ct)).JsonAsync()).GetProperty("is_llm_host").GetBoolean(),
            WaitLimit, "the node to find its LLM");
        (await client.PostAsJsonAsync("/api/chat", new { message = "count me" }, Ct)).EnsureSuccessStatusCode();
        // The first scrape starts the meter provider: counters and gauges count from the node's start, latency
        // histograms from that scrape on. So one scrape, one more chat (an HTTP request and a call to the LLM), then read.
        var first = ParsePrometheus(await client.GetStringAsync("/metrics", Ct));
        Assert.Equal("counter", first["meshmind_chats_total"]);
        (await client.PostAsJsonAsync("/api/chat", new { message = "and me" }, Ct)).EnsureSuccessStatusCode();

        var response = await client.GetAsync("/metrics", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        var text = await response.Content.ReadAsStringAsync(Ct);
        var families = ParsePrometheus(text);


        Assert.Equal("counter", families["meshmind_chats_total"]);
        Assert.Equal("counter", families["meshmind_logins_total"]);
        Assert.Equal("gauge", families["meshmind_peers_linked"]);
        Assert.Equal("histogram", families["meshmind_peer_call_duration_seconds"]);
        Assert.Equal("histogram", families["http_server_request_duration_seconds"]);
        Assert.Equal("counter", families["dotnet_gc_collections_total"]);
        Assert.Equal("counter", families["dotnet_process_cpu_time_seconds_total"]);
        Assert.Equal("gauge", families["dotnet_process_memory_working_set_bytes"]);
        Assert.Matches(@"(?m)^meshmind_chats_total\{[^}]*host=""local""[^}]*outcome=""ok""[^}]*\} 2( |$)", text);
        Assert.Matches(@"(?m)^meshmind_logins_total\{[^}]*outcome=""ok""[^}]*\} 1( |$)", text);
        Assert.DoesNotContain(password, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_NeedsASessionOrKey_UnlessConfiguredAnonymous()
    {
        await using var closed = await TestNode.StartAsync();
        await using var open = await TestNode.StartAsync(commandLine: new() { ["Telemetry:AnonymousMetrics"] = "true" });
        using var anonymousOnClosed = closed.CreateClient();
        using var anonymousOnOpen = open.CreateClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymousOnClosed.GetAsync("/metrics", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymousOnOpen.GetAsync("/metrics", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymousOnOpen.GetAsync("/api/analytics/perf", Ct)).StatusCode);
    }

    [Fact]
    public async Task HealthAndReadiness_AnswerAnonymously()
    {
        await using var node = await TestNode.StartAsync();
        using var anonymous = node.CreateClient();

        var health = await anonymous.GetAsync("/healthz", Ct);
        var ready = await anonymous.GetAsync("/readyz", Ct);

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Trace_ADelegatedChat_CarriesTheCallersTraceIdToTheHostsBackend()
    {
        await using var ollama = await FixtureAsync();
        await using var host = await StartAsync("host", ollama.BaseAddress.ToString());
        await using var asker = await StartAsync("asker", NoLlm, [host]);
        await UntilRoutableAsync(asker, host);
        using var client = await asker.CreateLoggedInClientAsync();
        var traceId = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        var callerSpan = "00f067aa0ba902b7";

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/chat") { Content = JsonContent.Create(new { message = "trace me" }) };
        request.Headers.Add("traceparent", $"00-{traceId}-{callerSpan}-01");
        var answer = await (await client.SendAsync(request, Ct)).JsonAsync();

        Assert.Equal("host", answer.GetProperty("host").GetProperty("name").GetString());
        var seen = ollama.LastTraceParent.Split('-');
        Assert.Equal(4, seen.Length);
        Assert.Equal(traceId, seen[1]);
        Assert.NotEqual(callerSpan, seen[2]);   // the span of the host's own backend call, not the caller's
    }

    [Fact]
    public async Task Otlp_WhenConfigured_ReceivesTheRequestsTrace()
    {
        var received = new System.Collections.Concurrent.ConcurrentQueue<(string Path, string? ContentType, byte[] Body)>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var collector = builder.Build();
        collector.MapPost("/{**path}", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            received.Enqueue((context.Request.Path.Value!, context.Request.ContentType, body.ToArray()));
            return Results.Ok();
        });
        await collector.StartAsync(Ct);
        var address = collector.Urls.First();
        await using var node = await TestNode.StartAsync(commandLine: new()
        {
            ["Telemetry:OtlpEndpoint"] = address,
            ["Telemetry:OtlpProtocol"] = "http/protobuf",
        });
        using var client = node.CreateClient();
        var traceId = Guid.NewGuid().ToByteArray();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/healthz");
        request.Headers.Add("traceparent", $"00-{Convert.ToHexStringLower(traceId)}-00f067aa0ba902b7-01");
        (await client.SendAsync(request, Ct)).EnsureSuccessStatusCode();

        // The batch exporter sends every 5 s by default.
        await Wait.UntilAsync(() => received.Any(r => r.Path == "/v1/traces" && r.Body.AsSpan().IndexOf(traceId) >= 0), WaitLimit,
            "the collector to receive a trace with the request's trace id");
        Assert.Equal("application/x-protobuf", received.First(r => r.Path == "/v1/traces").ContentType);
    }
}
