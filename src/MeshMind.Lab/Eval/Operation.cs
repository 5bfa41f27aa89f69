namespace MeshMind.Lab.Eval;

/// <summary>One measured request: <c>files</c> (a listing), <c>proxy</c> (a probe fetched through a peer) or <c>chat</c>.</summary>
/// <remarks>T: Start, Unix milliseconds. Target: The node asked for (a probe's holder), or the entry node. Host: The node that answered a chat (X-MeshMind-Host).</remarks>
internal sealed record Operation(long T, string Kind, string Target, bool Ok, double Ms, string? Host = null, double? TtftMs = null,
    double? TokensPerSecond = null, int? Tokens = null, string? Error = null);
