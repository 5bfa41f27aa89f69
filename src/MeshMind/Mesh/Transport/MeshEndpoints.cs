using System.Text.Json;
using MeshMind.Mesh.Admission;
using MeshMind.Mesh.Invites;
using MeshMind.Mesh.Links;
using MeshMind.Node;

namespace MeshMind.Mesh.Transport;

/// <summary>
/// The mesh's own endpoints on the mesh port: <c>/mesh/hello</c> and <c>/mesh/join</c> (before admission), the link WebSocket,
/// and <c>/mesh/invite</c> (on a connection opened with an invite).
/// </summary>
internal static class MeshEndpoints
{
    private const int MaxJoinBytes = 4096;

    public static IEndpointRouteBuilder MapMeshEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/mesh/hello", (HttpContext context, NodeInfo node) => HelloAsync(context, node)).WithMetadata(AllowUnadmittedPeer.Instance);
        endpoints.MapPost("/mesh/join", (HttpContext context, Admitter admission) => JoinAsync(context, admission)).WithMetadata(AllowUnadmittedPeer.Instance);
        endpoints.MapGet("/mesh/link", (HttpContext context, LinkManager links) => LinkAsync(context, links));
        endpoints.MapInviteEndpoints();
        return endpoints;
    }

    private static Task HelloAsync(HttpContext context, NodeInfo node) =>
        context.Response.WriteAsJsonAsync(new JoinResponse(node.NodeId, node.InstanceId, node.Name, "", ""),
            MeshJsonContext.Default.JoinResponse, contentType: null, context.RequestAborted);

    private static async Task LinkAsync(HttpContext context, LinkManager links)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        // Past its degree (Mesh:MaxLinks) the node refuses, telling the dialler some of its peers to dial instead.
        if (links.Refuse(context.PeerNodeId()) is { } others)
        {
            context.Response.Headers[MeshDialer.RefusedPeersHeader] = JsonSerializer.Serialize(new PeerExchangeMessage(others), LinkJsonContext.Default.PeerExchangeMessage);
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        var connection = context.Features.Get<MeshConnectionFeature>()!;
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        await links.AcceptAsync(context.PeerNodeId(), socket, connection.Remote, context.RequestAborted);
    }

    private static async Task JoinAsync(HttpContext context, Admitter admission)
    {
        var connection = context.Features.Get<MeshConnectionFeature>()!;
        var body = new byte[MaxJoinBytes];
        var length = 0;
        int read;
        while ((read = await context.Request.Body.ReadAsync(body.AsMemory(length), context.RequestAborted)) > 0)
        {
            length += read;
            if (length == body.Length)
            {
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                return;
            }
        }

        if (Admitter.Parse(body.AsSpan(0, length)) is not { } request)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var (response, status, _) = await admission.JoinAsync(request, context.Connection.ClientCertificate, connection.Remote, context.RequestAborted);
        context.Response.StatusCode = status;
        if (response is not null)
        {
            connection.MarkAuthenticated();
            await context.Response.WriteAsJsonAsync(response, MeshJsonContext.Default.JoinResponse, contentType: null, context.RequestAborted);
        }
    }
}
