using System.Net;
using System.Text.Json;
using MeshMind.Mesh.Peers;
using MeshMind.Mesh.Transport;

namespace MeshMind.Diagnostics.ReachBack;

/// <summary>
/// This node's side of the reach-back test: asks up to <see cref="MaxPeers"/> linked peers (the nearest first) to dial this
/// node's mesh port, which tells whether a firewall or a bind address keeps peers out even while a link this node dialled is up.
/// </summary>
/// <remarks>
/// Results are kept for <see cref="CacheFor"/> while the same peers are linked, so a screen that asks again and again does not
/// make peers dial again and again (they would refuse anyway beyond <see cref="ReachBackResponder.MaxPerMinute"/>); one test
/// runs at a time.
/// </remarks>
internal sealed class ReachBackTest(PeerDirectory peers, PeerHttpClients clients, TimeProvider time) : IDisposable
{
    public const int MaxPeers = 3;
    public const int MaxResponseBytes = 16 * 1024;
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(12);
    private readonly SemaphoreSlim _running = new(1, 1);
    private (DateTimeOffset At, string Peers, IReadOnlyList<ReachBackReport> Reports)? _last;

    /// <summary>Asks the linked peers (or returns the last answers, when recent and from the same peers, unless <paramref name="refresh"/>).</summary>
    public async Task<IReadOnlyList<ReachBackReport>> RunAsync(bool refresh, CancellationToken cancellationToken)
    {
        var linked = peers.Snapshot()
            .Where(p => p is { LinkState: LinkState.Up, Revoked: false, MeshPort: > 0, Addresses.Count: > 0 })
            .OrderBy(p => p.RttMs ?? double.MaxValue).Take(MaxPeers).ToList();
        var key = string.Join(",", linked.Select(p => p.NodeId).Order(StringComparer.Ordinal));
        await _running.WaitAsync(cancellationToken);
        try
        {
            if (!refresh && _last is { } last && last.Peers == key && time.GetUtcNow() - last.At < CacheFor)
            {
                return last.Reports;
            }

            var reports = await Task.WhenAll(linked.Select(p => AskAsync(p, cancellationToken)));
            _last = (time.GetUtcNow(), key, reports);
            return reports;
        }
        finally
        {
            _running.Release();
        }
    }

    public void Dispose() => _running.Dispose();

    private async Task<ReachBackReport> AskAsync(PeerInfo peer, CancellationToken cancellationToken)
    {
        ReachBackReport Failed(string error) => new(peer.NodeId, peer.Name, [], error);
        using var timeout = new CancellationTokenSource(AskTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/mesh/reach-back");
            using var response = await clients.HttpFor(peer.NodeId, peer.Addresses[0], peer.MeshPort)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            switch (response.StatusCode)
            {
                case HttpStatusCode.NotFound:
                    return Failed("it runs an older MeshMind without the reach-back test");
                case HttpStatusCode.TooManyRequests:
                    return Failed("it was asked too often; try again in a minute");
                case var status when !response.IsSuccessStatusCode:
                    return Failed($"it answered {(int)status}");
            }

            var body = await ReadCappedAsync(response.Content, linked.Token);
            var answer = body is null ? null : JsonSerializer.Deserialize(body, DiagnosticsJsonContext.Default.ReachBackResponse);
            return answer is null ? Failed("its answer was not readable") : new ReachBackReport(peer.NodeId, peer.Name, answer.Results.Take(ReachBackResponder.MaxAddresses).ToList(), null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Failed($"no answer within {Plain.Duration(AskTimeout)}");
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or JsonException)
        {
            return Failed(ex.Message);
        }
    }

    /// <summary>The body, or null when it is larger than <see cref="MaxResponseBytes"/> (a peer's answer is a few hundred bytes).</summary>
    private static async Task<byte[]?> ReadCappedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[MaxResponseBytes + 1];
        var length = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
        {
            length += read;
            if (length > MaxResponseBytes)
            {
                return null;
            }
        }

        return buffer[..length];
    }
}
