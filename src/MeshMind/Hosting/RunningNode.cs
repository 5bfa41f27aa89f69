using System.Globalization;
using System.Net;
using MeshMind.Auth;

namespace MeshMind.Hosting;

/// <summary>
/// How a command reaches the node that runs on this machine (<c>meshmind doctor</c>): at <c>--url</c>, or at the configured HTTP
/// port on loopback; logged in with <c>--api-key</c> (or <c>MESHMIND_API_KEY</c>), or else with a short session signed by the
/// data directory's key, for someone who can read that directory (<see cref="LocalSession"/>).
/// </summary>
internal static class RunningNode
{
    public const string ApiKeyVariable = "MESHMIND_API_KEY";

    /// <summary>A client for the node's API (base address set), or why there is none.</summary>
    public static (HttpClient? Client, Uri? Url, string? Error) Connect(NodeLaunch launch, string? url, string? apiKey, TimeSpan timeout)
    {
        var configuration = NodeConfiguration.Build(launch.CommandLine, launch.Environment, launch.WorkingDirectory, launch.BaseDirectory);
        Uri? baseUrl;
        if (url is not null)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out baseUrl) || baseUrl.Scheme is not ("http" or "https"))
            {
                return (null, null, $"--url: '{url}' is not a web address such as http://127.0.0.1:8080");
            }
        }
        else
        {
            var port = int.TryParse(configuration["Http:Port"], NumberStyles.None, CultureInfo.InvariantCulture, out var configured) ? configured : 8080;
            if (port == 0)
            {
                return (null, null, "the node's HTTP port is chosen at start (Http:Port is 0); give its address with --url URL");
            }

            var bind = IPAddress.TryParse(configuration["Http:BindAddress"], out var address) ? address : IPAddress.Any;
            var host = bind.Equals(IPAddress.Any) ? IPAddress.Loopback : bind.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback : bind;
            baseUrl = new UriBuilder(Uri.UriSchemeHttp, host.ToString(), port).Uri;
        }

        var key = apiKey ?? launch.Environment.GetValueOrDefault(ApiKeyVariable);
        var handler = new SocketsHttpHandler { UseCookies = false, ConnectTimeout = TimeSpan.FromSeconds(5) };
        var client = new HttpClient(handler) { BaseAddress = baseUrl, Timeout = timeout };
        if (!string.IsNullOrWhiteSpace(key))
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key.Trim());
            return (client, baseUrl, null);
        }

        var dataDir = configuration["Node:DataDir"] ?? Path.GetFullPath("meshmind-data", launch.WorkingDirectory);
        var (cookie, token, error) = LocalSession.Create(dataDir, configuration["Auth:Username"] ?? "admin", TimeProvider.System);
        if (error is not null)
        {
            client.Dispose();
            return (null, baseUrl, error);
        }

        client.DefaultRequestHeaders.Add("Cookie", $"{cookie}={token}");
        return (client, baseUrl, null);
    }
}
