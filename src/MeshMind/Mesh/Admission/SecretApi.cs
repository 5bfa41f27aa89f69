using MeshMind.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MeshMind.Mesh.Admission;

/// <summary>
/// <c>POST /api/mesh/secret/rotate</c>: a new mesh secret, sent to every linked peer (<see cref="SecretRotation"/>).
/// <c>GET /api/mesh/secret</c>: where the secret is kept and whether a rotation's grace period is running (never the secret).
/// </summary>
internal static class SecretApi
{
    public static IEndpointRouteBuilder MapSecretApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/mesh/secret", Status).Produces<MeshSecretResponse>();
        endpoints.MapPost("/api/mesh/secret/rotate", RotateAsync).Produces<SecretRotationResponse>().ProducesErrors(409);
        return endpoints;
    }

    private static JsonHttpResult<MeshSecretResponse> Status(MeshKeys keys, SecretRotation rotation) =>
        TypedResults.Json(new MeshSecretResponse(keys.SecretFile is not null, keys.SecretFile, keys.NotWritableReason, keys.All.Count - 1,
            rotation.PreviousAcceptedUntil), SecretApiJsonContext.Default.MeshSecretResponse);

    private static async Task<IResult> RotateAsync(SecretRotation rotation, CancellationToken cancellationToken)
    {
        try
        {
            var result = await rotation.RotateAsync(cancellationToken);
            return TypedResults.Json(new SecretRotationResponse(result.RotatedAt, result.PreviousAcceptedUntil, result.PeersSent),
                SecretApiJsonContext.Default.SecretRotationResponse);
        }
        catch (SecretNotWritableException ex)
        {
            return ApiResults.Error(StatusCodes.Status409Conflict, ex.Message);
        }
    }
}
