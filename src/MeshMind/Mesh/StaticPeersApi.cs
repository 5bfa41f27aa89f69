using MeshMind.Infrastructure;
using MeshMind.Mesh.Links;
using MeshMind.Mesh.Peers;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MeshMind.Mesh;

/// <summary>
/// <c>/api/static-peers</c>: the peers this node dials by address. <c>GET</c> lists them with how reaching each one goes;
/// <c>POST {"address": "HOST:PORT"}</c> adds one (saved, dialled at once); <c>DELETE /api/static-peers/{address}</c> removes
/// an added one. Peers set with <c>--peer</c> are listed as configured and cannot be removed here.
/// </summary>
internal static class StaticPeersApi
{
    public static IEndpointRouteBuilder MapStaticPeersApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/static-peers", List).Produces<StaticPeerResponse[]>();
        endpoints.MapPost("/api/static-peers", AddAsync)
            .AcceptsJson<AddStaticPeerRequest>()
            .Produces<StaticPeerResponse>(StatusCodes.Status201Created)
            .ProducesErrors(400, 409, 413, 415);
        endpoints.MapDelete("/api/static-peers/{address}", RemoveAsync).Produces(StatusCodes.Status204NoContent).ProducesErrors(404, 409);
        return endpoints;
    }

    private static JsonHttpResult<StaticPeerResponse[]> List(StaticPeers statics, LinkManager links, PeerDirectory peers)
    {
        var dials = links.DialStatuses();
        return TypedResults.Json(statics.All.Select(p => Describe(p, dials, peers)).ToArray(), MeshApiJsonContext.Default.StaticPeerResponseArray);
    }

    private static async Task<IResult> AddAsync(HttpContext context, StaticPeers statics, LinkManager links, PeerDirectory peers, CancellationToken cancellationToken)
    {
        var (request, error) = await JsonBody.ReadAsync(context.Request, MeshApiJsonContext.Default.AddStaticPeerRequest, maxBytes: 1024);
        if (error is not null)
        {
            return error;
        }

        var (peer, status, problem) = await statics.AddAsync(request!.Address, cancellationToken);
        return peer is null
            ? ApiResults.Error(status, problem!)
            : TypedResults.Json(Describe(peer, links.DialStatuses(), peers), MeshApiJsonContext.Default.StaticPeerResponse, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> RemoveAsync(string address, StaticPeers statics, CancellationToken cancellationToken)
    {
        var (status, error) = await statics.RemoveAsync(address, cancellationToken);
        return error is null ? TypedResults.NoContent() : ApiResults.Error(status, error);
    }

    private static StaticPeerResponse Describe(StaticPeer peer, IReadOnlyList<DialStatus> dials, PeerDirectory peers)
    {
        var dial = dials.FirstOrDefault(d => d.Static && d.Port == peer.Address.Port && string.Equals(d.Host, peer.Address.Host, StringComparison.OrdinalIgnoreCase));
        var known = dial?.NodeId is { } nodeId ? peers.Find(nodeId) : null;
        return new StaticPeerResponse(peer.Address.ToString(), peer.Configured, known?.NodeId, known?.Name,
            known?.LinkState ?? (dial is { LastError: null } ? LinkState.Connecting : LinkState.Down), dial?.LastError);
    }
}
