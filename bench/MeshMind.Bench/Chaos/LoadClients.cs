using MeshMind.Bench.Llm;

namespace MeshMind.Bench.Chaos;

/// <summary>HTTP clients for a load run: each its own connection pool, logged in as <see cref="BenchNode"/>'s client is.</summary>
internal static class LoadClients
{
    /// <summary>
    /// A fresh client with the node's session cookie: its connections are new (a burst of people opening the UI), and no
    /// other traffic shares them. HTTP/1.1, so each chat in flight has its own connection, as each browser would.
    /// </summary>
    public static HttpClient For(BenchNode node)
    {
        var http = new HttpClient(new SocketsHttpHandler { UseCookies = false })
        {
            BaseAddress = node.Http.BaseAddress,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        http.DefaultRequestHeaders.Add("Cookie", node.Http.DefaultRequestHeaders.GetValues("Cookie"));
        return http;
    }
}
