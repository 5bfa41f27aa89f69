namespace MeshMind.Web;

/// <summary>The body of every API error: one sentence a person can act on.</summary>
public sealed record ErrorResponse(string Error);
