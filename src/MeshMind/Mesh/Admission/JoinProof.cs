using System.Security.Cryptography;
using System.Text;

namespace MeshMind.Mesh.Admission;

/// <summary>
/// The admission proofs of DESIGN §2. Both bind the two certificate hashes (defeating a relaying man in the middle, who
/// would have to present its own certificate on one side) and a role label (defeating reflection of one side's proof
/// as the other's).
/// </summary>
internal static class JoinProof
{
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromSeconds(60);

    public static string Client(byte[] joinKey, string nonceClient, long timestamp, string clientCertHash, string serverCertHash) =>
        Mac(joinKey, $"MM1|client|{nonceClient}|{timestamp}|{clientCertHash}|{serverCertHash}");

    public static string Server(byte[] joinKey, string nonceClient, string nonceServer, string clientCertHash, string serverCertHash) =>
        Mac(joinKey, $"MM1|server|{nonceClient}|{nonceServer}|{clientCertHash}|{serverCertHash}");

    /// <summary>The client's proof that opens a mesh connection (<see cref="ConnectionProof"/>), as raw bytes.</summary>
    public static byte[] ConnectionClient(byte[] joinKey, ReadOnlySpan<byte> nonceClient, long timestamp, string clientCertHash, string serverCertHash) =>
        MacBytes(joinKey, $"MM1|connection-client|{Convert.ToHexStringLower(nonceClient)}|{timestamp}|{clientCertHash}|{serverCertHash}");

    /// <summary>The server's answer to <see cref="ConnectionClient"/>, as raw bytes.</summary>
    public static byte[] ConnectionServer(byte[] joinKey, ReadOnlySpan<byte> nonceClient, ReadOnlySpan<byte> nonceServer, string clientCertHash, string serverCertHash) =>
        MacBytes(joinKey, $"MM1|connection-server|{Convert.ToHexStringLower(nonceClient)}|{Convert.ToHexStringLower(nonceServer)}|{clientCertHash}|{serverCertHash}");

    /// <summary>
    /// A node's proof, sent over a live link, that it holds a secret (<see cref="SecretRotation"/>): it keeps the link when a
    /// secret the link was opened under stops being accepted.
    /// </summary>
    public static byte[] LinkSecret(byte[] joinKey, string senderNodeId, string receiverNodeId) =>
        MacBytes(joinKey, $"MM1|link-secret|{senderNodeId}|{receiverNodeId}");

    /// <summary>Constant-time comparison of two raw MACs.</summary>
    public static bool Matches(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> presented) =>
        presented.Length == expected.Length && CryptographicOperations.FixedTimeEquals(expected, presented);

    /// <summary>Constant-time comparison of two hex MACs.</summary>
    public static bool Matches(string expected, string? presented)
    {
        if (presented is null || presented.Length != expected.Length)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(presented));
    }

    public static string NewNonce() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private static string Mac(byte[] key, string message) => Convert.ToHexStringLower(MacBytes(key, message));

    private static byte[] MacBytes(byte[] key, string message) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(message));
}
