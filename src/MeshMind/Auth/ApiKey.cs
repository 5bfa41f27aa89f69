namespace MeshMind.Auth;

/// <summary>An API key as listed: never the key itself, which is shown once at creation.</summary>
internal sealed record ApiKey(string Id, string Name, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt);
