using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace MeshMind.Lab.Lab;

/// <summary>Calls to a node's API with an API key (or, once, its login to make the key).</summary>
internal static class NodeClient
{
    /// <summary>A client for <paramref name="url"/> with <paramref name="apiKey"/> as its bearer token.</summary>
    public static HttpClient Create(Uri url, string? apiKey, TimeSpan? timeout = null)
    {
        var client = new HttpClient(new SocketsHttpHandler { UseCookies = false, ConnectTimeout = TimeSpan.FromSeconds(5), PooledConnectionLifetime = TimeSpan.FromMinutes(1) })
        {
            BaseAddress = url,
            Timeout = timeout ?? TimeSpan.FromSeconds(30),
        };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        return client;
    }

    /// <summary>Signs in with the lab's login and makes an API key named "lab".</summary>
    public static async Task<string> CreateApiKeyAsync(Uri url, string username, string password, CancellationToken cancellationToken)
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseCookies = true, CookieContainer = new CookieContainer() }) { BaseAddress = url };
        // The cross-origin guard wants a same-origin browser request for a session's writes.
        client.DefaultRequestHeaders.Add("Origin", url.GetLeftPart(UriPartial.Authority));
        using (var login = await client.PostAsJsonAsync("/api/auth/login", new { username, password }, cancellationToken))
        {
            login.EnsureSuccessStatusCode();
        }

        using var created = await client.PostAsJsonAsync("/api/keys", new { name = "lab" }, cancellationToken);
        created.EnsureSuccessStatusCode();
        using var body = await JsonDocument.ParseAsync(await created.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        return body.RootElement.GetProperty("key").GetString()!;
    }

    /// <summary>The node's <c>/api/status</c>: its id and how many peers it is linked to, or null when it does not answer.</summary>
    public static async Task<(string NodeId, int PeerCount)?> StatusAsync(HttpClient client, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await client.GetAsync("/api/status", cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
            return (body.RootElement.GetProperty("node_id").GetString()!, body.RootElement.GetProperty("peer_count").GetInt32());
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }
}
