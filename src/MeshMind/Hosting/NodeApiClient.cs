using System.Net;
using System.Net.Http.Headers;
using MeshMind.Auth;
using MeshMind.Infrastructure;
using MeshMind.Node;
using MeshMind.Storage;
using MeshMind.Web;
using Microsoft.Extensions.Options;

namespace MeshMind.Hosting;

/// <summary>
/// How a command (<c>meshmind invite</c>, <c>meshmind secret rotate</c>, <c>meshmind doctor</c>) reaches a running node's API: at <c>--url</c>, or at the HTTP
/// port the configuration names on this machine; with an API key (<c>--api-key</c> or <c>MESHMIND_API_KEY</c>), or else as the node's
/// owner: whoever can read the data directory signs a one-minute session with the node's own session key (as <c>meshmind password</c>,
/// this grants nothing that reading the directory does not).
/// </summary>
internal static class NodeApiClient
{
    public const string ApiKeyVariable = "MESHMIND_API_KEY";
    private static readonly TimeSpan s_sessionLifetime = TimeSpan.FromMinutes(1);

    /// <summary>A client for the node's API with its base address and credentials set, or what is missing to make one.</summary>
    public static (HttpClient? Client, string? Error) Create(NodeLaunch launch, string? url, string? apiKey, TimeSpan? timeout = null)
    {
        var configuration = NodeConfiguration.Build(launch.CommandLine, launch.Environment, launch.WorkingDirectory, launch.BaseDirectory);
        using var provider = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddAllOptions()
            .AddSingleton(TimeProvider.System)
            .AddLogging()
            .AddSingleton<DataDirectory>()
            .AddSingleton<NodeIdentity>()
            .AddSingleton<Database>()
            .AddSingleton<SessionTokens>()
            .BuildServiceProvider();

        Uri baseAddress;
        NodeOptions node;
        AuthOptions auth;
        try
        {
            node = provider.GetRequiredService<IOptions<NodeOptions>>().Value;
            auth = provider.GetRequiredService<IOptions<AuthOptions>>().Value;
            if (url is not null)
            {
                if (!Uri.TryCreate(url, UriKind.Absolute, out var given) || given.Scheme is not ("http" or "https"))
                {
                    return (null, $"--url: '{url}' is not an http:// or https:// address of a node");
                }

                baseAddress = given;
            }
            else
            {
                var http = provider.GetRequiredService<IOptions<HttpOptions>>().Value;
                if (http.Port == 0)
                {
                    return (null, "the node's HTTP port is picked at start (Http:Port is 0); give the node's address with --url");
                }

                var host = IPAddress.TryParse(http.BindAddress, out var bound) && !bound.Equals(IPAddress.Any) && !bound.Equals(IPAddress.IPv6Any)
                    ? bound
                    : IPAddress.Loopback;
                baseAddress = new UriBuilder(Uri.UriSchemeHttp, host.ToString(), http.Port).Uri;
            }
        }
        catch (OptionsValidationException ex)
        {
            return (null, string.Join(Environment.NewLine, ex.Failures));
        }

        var client = new HttpClient(new SocketsHttpHandler { UseCookies = false, ConnectTimeout = TimeSpan.FromSeconds(5) })
        {
            BaseAddress = baseAddress,
            Timeout = timeout ?? TimeSpan.FromSeconds(60),
        };
        var key = apiKey ?? launch.Environment.GetValueOrDefault(ApiKeyVariable);
        if (!string.IsNullOrWhiteSpace(key))
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key.Trim());
            return (client, null);
        }

        // Only a node's own directory: never create an identity or a session key where there was none.
        var dataDir = node.FullDataDir;
        if (!File.Exists(Path.Combine(dataDir, NodeIdentity.FileName)) || !File.Exists(Path.Combine(dataDir, SessionTokens.KeyFileName)))
        {
            client.Dispose();
            return (null, $"{dataDir} is not the data directory of a node that has run (it has no {SessionTokens.KeyFileName}), so this cannot "
                + $"sign in as its owner; name the node's with --data-dir DIR, or give an API key with --api-key KEY or {ApiKeyVariable}");
        }

        SessionTokens sessions;
        SessionToken session;
        try
        {
            sessions = provider.GetRequiredService<SessionTokens>();
            session = sessions.Issue(auth.Username, s_sessionLifetime);
        }
        catch (UnauthorizedAccessException)
        {
            client.Dispose();
            return (null, $"cannot read the node's login key in {dataDir}: run this as the node's own user (for a service: "
                + $"sudo -u meshmind meshmind ... --data-dir {dataDir}), or give an API key with --api-key KEY");
        }

        client.DefaultRequestHeaders.Add("Cookie", $"{sessions.CookieName}={session.Token}");
        return (client, null);
    }

    /// <summary>What went wrong with a call, for one line on standard error.</summary>
    public static async Task<string> DescribeAsync(HttpClient client, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var error = "";
        try
        {
            error = (await response.Content.ReadFromJsonAsync(InfrastructureJsonContext.Default.ErrorResponse, cancellationToken))?.Error ?? "";
        }
        catch (System.Text.Json.JsonException)
        {
            // Not MeshMind's error shape.
        }

        return response.StatusCode == HttpStatusCode.Unauthorized
            ? $"the node at {client.BaseAddress} did not accept the credentials (the data directory is another node's, or the API key is wrong); "
                + $"give --data-dir of that node, or --api-key"
            : $"the node at {client.BaseAddress} answered {(int)response.StatusCode}: {error}";
    }

    /// <summary>What a failed connection means, for one line on standard error.</summary>
    public static string Unreachable(HttpClient client, Exception ex) =>
        $"no node answers at {client.BaseAddress} ({ex.Message}); is it running? Give its address with --url";
}
