namespace MeshMind.Mesh.Transport;

/// <summary>
/// Why <see cref="MeshConnectionGate"/> closed a mesh connection before it proved admission. Every drop is counted by
/// reason (<c>meshmind.mesh.connections.dropped</c>).
/// </summary>
internal enum GateDropReason
{
    /// <summary>It had not completed TLS and the proof of a secret within <see cref="MeshOptions.HandshakeTimeout"/>.</summary>
    Deadline,

    /// <summary>Closed, the oldest from its address, to make room for a new one when the per-address cap was full.</summary>
    EvictedAddressCap,

    /// <summary>A new connection refused: the per-address cap was full of connections still inside their grace period.</summary>
    RefusedAddressCap,

    /// <summary>Closed, the oldest from the address holding the most, to make room for a new one when the total cap was full.</summary>
    EvictedTotalCap,

    /// <summary>A new connection refused: the total cap was full of connections still inside their grace period.</summary>
    RefusedTotalCap,
}
