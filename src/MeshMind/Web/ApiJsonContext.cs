using System.Text.Json.Serialization;
using MeshMind.Auth;
using MeshMind.Discovery;
using MeshMind.Mesh;
using MeshMind.Node;

namespace MeshMind.Web;

/// <summary>Source-generated JSON for the HTTP API; every API body uses snake_case names.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(StatusResponse))]
[JsonSerializable(typeof(LoginRequest))]
[JsonSerializable(typeof(LoginResponse))]
[JsonSerializable(typeof(AuthStatusResponse))]
[JsonSerializable(typeof(CreateApiKeyRequest))]
[JsonSerializable(typeof(CreatedApiKeyResponse))]
[JsonSerializable(typeof(ApiKeyResponse[]))]
[JsonSerializable(typeof(PeerResponse[]))]
[JsonSerializable(typeof(DiscoveryStatsResponse))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
