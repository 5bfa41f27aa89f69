using System.Diagnostics;
using MeshMind.Bench.Llm;
using MeshMind.Testing.Load;

namespace MeshMind.Bench.Chaos;

/// <summary>
/// A person using the node while a load runs: every <c>interval</c>, <c>GET /api/status</c> on the client's kept-alive
/// connection, the same on a new connection (<c>Connection: close</c>), and a short streamed chat (Ollama API) through the
/// node; the latency of each, and every failure.
/// </summary>
internal sealed class UserProbe
{
    private UserProbe(string phase) => Phase = phase;

    public string Phase { get; }

    public LoadSample Status { get; } = new("GET /api/status, kept-alive connection");

    public LoadSample StatusNewConnection { get; } = new("GET /api/status, new connection");

    public LoadSample ChatFirstToken { get; } = new("streamed chat, first token");

    public LoadSample ChatDone { get; } = new("streamed chat, whole reply");

    public IEnumerable<LoadSample> Samples => [Status, StatusNewConnection, ChatFirstToken, ChatDone];

    public static async Task<UserProbe> RunAsync(string phase, BenchNode node, TimeSpan duration, TimeSpan interval, string model, string reply,
        CancellationToken cancellationToken)
    {
        var probe = new UserProbe(phase);
        using var http = LoadClients.For(node);
        var body = LoadChat.Body(LoadApi.Ollama, model, "hello");
        using var timer = new PeriodicTimer(interval);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration && await timer.WaitForNextTickAsync(cancellationToken))
        {
            await StatusAsync(http, probe.Status, closeConnection: false, cancellationToken);
            await StatusAsync(http, probe.StatusNewConnection, closeConnection: true, cancellationToken);
            var chat = await LoadChat.SendAsync(http, node.Http.BaseAddress!, LoadApi.Ollama, body, reply, cancellationToken);
            if (chat.Ok)
            {
                probe.ChatFirstToken.Add(chat.TtftMs);
                probe.ChatDone.Add(chat.TotalMs);
            }
            else
            {
                probe.ChatFirstToken.Fail(chat.Error!);
            }
        }

        return probe;
    }

    private static async Task StatusAsync(HttpClient http, LoadSample sample, bool closeConnection, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/status");
            request.Headers.ConnectionClose = closeConnection;
            using var response = await http.SendAsync(request, cancellationToken);
            await response.Content.ReadAsByteArrayAsync(cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                sample.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            else
            {
                sample.Fail($"HTTP {(int)response.StatusCode}");
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            sample.Fail(ex.GetType().Name + ": " + (ex.InnerException?.Message ?? ex.Message));
        }
    }
}
