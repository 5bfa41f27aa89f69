using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using MeshMind.Diagnostics;
using MeshMind.Infrastructure;

namespace MeshMind.Hosting;

/// <summary>
/// <c>meshmind doctor [--url URL]</c>: asks the running node (<c>GET /api/diagnostics</c>, with a fresh reach-back test) what
/// keeps it from its peers and prints each finding on one line, problems first: its level, its code, what is wrong and how to fix it.
/// </summary>
internal static class DoctorCommand
{
    /// <summary>How long the doctor waits for the node: the reach-back test alone may take 12 s.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <returns>0 when nothing is wrong enough to be an error; 1 when a finding is an error; 2 when the node could not be asked.</returns>
    public static async Task<int> RunAsync(NodeLaunch launch, string? url, string? apiKey, CancellationToken cancellationToken)
    {
        var (client, error) = NodeApiClient.Create(launch, url, apiKey, Timeout);
        if (client is null)
        {
            return await FailAsync(launch, error!);
        }

        var baseUrl = client.BaseAddress!;

        using (client)
        {
            HttpResponseMessage response;
            try
            {
                response = await client.GetAsync("/api/diagnostics?refresh=true", cancellationToken);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                return await FailAsync(launch, Unreachable(baseUrl, ex));
            }

            using (response)
            {
                if (response.StatusCode == HttpStatusCode.Unauthorized)
                {
                    return await FailAsync(launch, apiKey is not null || launch.Environment.ContainsKey(NodeApiClient.ApiKeyVariable)
                        ? $"the node at {baseUrl} refused the API key"
                        : $"the node at {baseUrl} is not the one whose data directory this is; name its data directory with --data-dir DIR, or give an API key with --api-key KEY");
                }

                if (!response.IsSuccessStatusCode)
                {
                    return await FailAsync(launch, $"the node at {baseUrl} answered {(int)response.StatusCode} to GET /api/diagnostics (is it an older MeshMind?)");
                }

                Finding[]? findings;
                try
                {
                    findings = JsonSerializer.Deserialize(await response.Content.ReadAsStringAsync(cancellationToken), DiagnosticsJsonContext.Default.FindingArray);
                }
                catch (JsonException)
                {
                    findings = null;
                }

                if (findings is null)
                {
                    return await FailAsync(launch, $"the answer of {baseUrl} was not the doctor's findings");
                }

                foreach (var finding in findings)
                {
                    await launch.Output.WriteLineAsync(Line(finding));
                }

                return findings.Any(f => f.Level == FindingLevel.Error) ? 1 : 0;
            }
        }
    }

    /// <summary><c>error   [wrong_secret] 10.0.0.7 uses a different mesh secret: … Fix: …</c></summary>
    internal static string Line(Finding finding)
    {
        var level = finding.Level.ToString().ToLowerInvariant();
        var line = $"{level,-7} [{finding.Code}] {finding.Message}";
        return finding.Fix is { } fix ? $"{line} Fix: {fix}" : line;
    }

    /// <summary>Why no node answered, and who holds the port when someone does but it is not a node that answers.</summary>
    private static string Unreachable(Uri url, Exception exception)
    {
        var refused = false;
        for (var e = exception; e is not null; e = e.InnerException)
        {
            refused |= e is SocketException { SocketErrorCode: SocketError.ConnectionRefused };
        }

        var reason = refused ? "nothing listens there" : exception is TaskCanceledException ? $"no answer in {Timeout.TotalSeconds:0} s" : exception.Message;
        var holders = url.IsLoopback && !refused ? PortHolder.Find(ProtocolType.Tcp, url.Port) : [];
        var held = holders.Count > 0 ? $"; port {url.Port} is held by {string.Join(", ", holders.Select(h => $"{h.Name} (PID {h.ProcessId})"))}" : "";
        return $"no node answers at {url} ({reason}{held}); start one with meshmind run, or give its address with --url URL";
    }

    private static async Task<int> FailAsync(NodeLaunch launch, string message)
    {
        await launch.Error.WriteLineAsync("meshmind: error: " + message);
        return 2;
    }
}
