namespace MeshMind.Mesh.Admission;

/// <summary>A client's opening of a mesh connection (<see cref="ConnectionProof"/>): its nonce, its clock, and one proof per secret it holds.</summary>
internal readonly record struct ConnectionHello(byte[] Nonce, long Timestamp, byte[][] Proofs);
