using MeshMind.Infrastructure;
using MeshMind.Mesh.Admission;

namespace MeshMind.Mesh.Invites;

/// <summary>
/// <c>POST /api/invites</c>: a single-use code for a new device (<see cref="InviteService"/>).
/// <c>POST /api/mesh/join</c>: this node joins the mesh a code comes from (<see cref="MeshJoin"/>).
/// </summary>
internal static class InviteApi
{
    public static IEndpointRouteBuilder MapInviteApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/invites", CreateAsync)
            .Produces<CreatedInviteResponse>(StatusCodes.Status201Created)
            .ProducesErrors(429);
        endpoints.MapPost("/api/mesh/join", JoinAsync)
            .AcceptsJson<JoinMeshRequest>()
            .Produces<JoinMeshResponse>()
            .ProducesErrors(400, 403, 404, 409, 410, 413, 415, 429, 502);
        return endpoints;
    }

    private static async Task<IResult> CreateAsync(HttpContext context, InviteService invites, CancellationToken cancellationToken)
    {
        var created = await invites.CreateAsync(context.Connection.LocalIpAddress, cancellationToken);
        return created is null
            ? ApiResults.Error(StatusCodes.Status429TooManyRequests,
                $"{InviteStore.MaxOpen} invites are open already; use one, or wait until one expires")
            : TypedResults.Json(created, InviteJsonContext.Default.CreatedInviteResponse, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> JoinAsync(HttpContext context, MeshJoin join, CancellationToken cancellationToken)
    {
        var (request, error) = await JsonBody.ReadAsync(context.Request, InviteJsonContext.Default.JoinMeshRequest);
        if (error is not null)
        {
            return error;
        }

        try
        {
            var joined = await join.JoinAsync(request!.Code ?? "", cancellationToken);
            return TypedResults.Json(joined, InviteJsonContext.Default.JoinMeshResponse);
        }
        catch (InviteCodeException ex)
        {
            return ApiResults.Error(StatusCodes.Status400BadRequest, ex.Message);
        }
        catch (SecretNotWritableException ex)
        {
            return ApiResults.Error(StatusCodes.Status409Conflict, ex.Message);
        }
        catch (InviteFailedException ex)
        {
            return ApiResults.Error(ex.Refusal switch
            {
                InviteStatus.Used or InviteStatus.Expired => StatusCodes.Status410Gone,
                InviteStatus.Unknown => StatusCodes.Status404NotFound,
                InviteStatus.TooManyAttempts => StatusCodes.Status429TooManyRequests,
                null => StatusCodes.Status502BadGateway,
                _ => StatusCodes.Status403Forbidden,
            }, ex.Message);
        }
    }
}
