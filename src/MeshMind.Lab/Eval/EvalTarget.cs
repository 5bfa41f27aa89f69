namespace MeshMind.Lab.Eval;

/// <summary>A node eval talks to: the entry (the first), or another lab node it samples and may kill.</summary>
internal sealed record EvalTarget(string Name, Uri Url, string Key, bool HasLlm, int? Pid) : IDisposable
{
    public HttpClient Client { get; } = Lab.NodeClient.Create(Url, Key, TimeSpan.FromSeconds(60));

    public void Dispose() => Client.Dispose();
}
