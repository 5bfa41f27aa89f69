using System.Diagnostics;
using System.Text.Json;
using MeshMind.Bench.Llm;

namespace MeshMind.Bench.Files;

/// <summary>Waiting for links and clients for transfers that outlast <see cref="HttpClient.Timeout"/>.</summary>
internal static class NodeLinks
{
    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(60);

    /// <summary>Waits until <paramref name="node"/>'s <c>/api/peers</c> shows a link <c>up</c> to every one of <paramref name="peerIds"/>.</summary>
    public static async Task UntilLinkedAsync(BenchNode node, IReadOnlyCollection<string> peerIds, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            using (var peers = JsonDocument.Parse(await node.Http.GetStringAsync(new Uri("/api/peers", UriKind.Relative), cancellationToken)))
            {
                var up = peers.RootElement.EnumerateArray()
                    .Where(p => p.GetProperty("link_state").GetString() == "up")
                    .Select(p => p.GetProperty("node_id").GetString())
                    .ToHashSet();
                if (peerIds.All(up.Contains))
                {
                    return;
                }
            }

            if (clock.Elapsed > s_limit)
            {
                throw new TimeoutException($"node {node.NodeId[..12]} did not link to all of {peerIds.Count} peers within {s_limit.TotalSeconds:0} s");
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>A client with <paramref name="node"/>'s session cookie and no overall timeout (a 1 GiB transfer).</summary>
    public static HttpClient LongClient(BenchNode node)
    {
        var http = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = node.Http.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.Add("Cookie", node.Http.DefaultRequestHeaders.GetValues("Cookie"));
        return http;
    }
}
