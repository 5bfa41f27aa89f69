namespace MeshMind.Auth;

/// <summary>A login session: the signed token, its id (JWT <c>jti</c>), who it is for and when it ends.</summary>
internal sealed record SessionToken(string Token, string Id, string Username, DateTimeOffset Expires);
