using MeshMind.Mesh.Links;

namespace MeshMind.Mesh;

/// <summary>
/// A feature's part in the mesh: what it does when a link to a peer comes up (send its opening messages with
/// <see cref="MeshLinks"/>), each message of the types it owns, and what it does when a link goes down. The mesh knows
/// participants only through this contract; their message types are registered with them
/// (<see cref="MeshParticipantServiceCollectionExtensions.AddMeshParticipant{T}"/>) and delivered only to their owner.
/// </summary>
/// <remarks>Called on the link's own read loop: do quick work here and hand anything slow to a queue of your own.</remarks>
internal interface IMeshParticipant
{
    /// <summary>A link to <paramref name="nodeId"/> came up (its hello is sent); it is the current link to that peer.</summary>
    void LinkUp(string nodeId);

    /// <summary>A message of one of this participant's types arrived on the current link to <paramref name="nodeId"/>.</summary>
    void Received(string nodeId, LinkMessage message);

    /// <summary>The current link to <paramref name="nodeId"/> went down (closed, timed out or revoked).</summary>
    void LinkDown(string nodeId);
}
