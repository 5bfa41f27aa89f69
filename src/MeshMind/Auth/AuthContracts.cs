using System.Text.Json.Serialization;

namespace MeshMind.Auth;

internal sealed record LoginRequest(string? Username, string? Password);

internal sealed record LoginResponse(string Username, DateTimeOffset ExpiresAt);

internal sealed record AuthStatusResponse(bool Authenticated, string? Username, string? Method);

internal sealed record CreateApiKeyRequest(string? Name);

/// <summary>Body of <c>POST /api/auth/password</c>.</summary>
internal sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);

internal sealed record CreatedApiKeyResponse(string Id, string Name, string Prefix, DateTimeOffset CreatedAt, string Key);

internal sealed record ApiKeyResponse(string Id, string Name, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt)
{
    public static ApiKeyResponse From(ApiKey key) => new(key.Id, key.Name, key.Prefix, key.CreatedAt, key.LastUsedAt);
}

/// <summary><c>GET</c>/<c>PUT /api/me/preferences</c>: what the signed-in user chose for themselves (null: nothing chosen).</summary>
internal sealed record UserPreferencesBody(string? DefaultModel);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(LoginRequest))]
[JsonSerializable(typeof(LoginResponse))]
[JsonSerializable(typeof(AuthStatusResponse))]
[JsonSerializable(typeof(CreateApiKeyRequest))]
[JsonSerializable(typeof(ChangePasswordRequest))]
[JsonSerializable(typeof(CreatedApiKeyResponse))]
[JsonSerializable(typeof(ApiKeyResponse[]))]
[JsonSerializable(typeof(UserPreferencesBody))]
internal sealed partial class AuthJsonContext : JsonSerializerContext;
