namespace MeshMind.Lab.Eval;

/// <summary>A file eval uploaded to <see cref="Holder"/> and fetches through the entry node's proxy (<see cref="DownloadUrl"/>).</summary>
internal sealed record Probe(EvalTarget Holder, string Name, long Size)
{
    public string? DownloadUrl { get; set; }
}
