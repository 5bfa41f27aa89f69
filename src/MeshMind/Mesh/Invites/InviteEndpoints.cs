using MeshMind.Infrastructure;
using MeshMind.Mesh.Transport;
using MeshMind.Node;

namespace MeshMind.Mesh.Invites;

/// <summary><c>POST /mesh/invite</c> on the mesh port: the one request a connection opened with an invite's token may make.</summary>
internal static class InviteEndpoints
{
    private const int MaxBodyBytes = 4096;
    private const int MaxNameLength = 64;

    public static IEndpointRouteBuilder MapInviteEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/mesh/invite", RedeemAsync).WithMetadata(AllowInvitedPeer.Instance);
        return endpoints;
    }

    private static async Task<IResult> RedeemAsync(HttpContext context, InviteService invites, CancellationToken cancellationToken)
    {
        var connection = context.Features.Get<MeshConnectionFeature>()!;
        if (connection.InviteTokenHash is not { } tokenHash || context.Connection.ClientCertificate is not { } certificate)
        {
            return ApiResults.Error(StatusCodes.Status403Forbidden, "open the connection with an invite");
        }

        var (request, error) = await JsonBody.ReadAsync(context.Request, InviteJsonContext.Default.InviteRedeemRequest, MaxBodyBytes);
        if (error is not null)
        {
            return error;
        }

        var name = request!.Name is { Length: <= MaxNameLength } given && !given.Any(char.IsControl) ? given : null;
        var (redemption, status) = await invites.RedeemAsync(tokenHash, NodeIdentity.ComputeNodeId(certificate), name, connection.Remote, cancellationToken);
        return redemption is null
            ? ApiResults.Error(StatusCodes.Status410Gone, InviteOpening.Describe(status))
            : TypedResults.Json(redemption, InviteJsonContext.Default.InviteRedemption);
    }
}
