using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MeshMind.Infrastructure;

namespace MeshMind.Node;

/// <summary>
/// The node's long-lived identity: a self-signed ECDSA P-256 certificate in <c>node.pfx</c>, created at first start.
/// <see cref="NodeId"/> is the lowercase hex SHA-256 of the certificate's DER bytes.
/// </summary>
/// <remarks>
/// A copied data directory yields the same <see cref="NodeId"/> on two machines; <see cref="InstanceId"/>, fresh for every
/// process, is what tells such twins apart.
/// </remarks>
internal sealed class NodeIdentity : IDisposable
{
    public const string FileName = "node.pfx";

    public NodeIdentity(DataDirectory dataDirectory, TimeProvider time)
    {
        var path = dataDirectory.PathOf(FileName);
        Certificate = File.Exists(path) ? Load(path) : Create(path, time.GetUtcNow());
        NodeId = ComputeNodeId(Certificate);
    }

    /// <summary>An identity held only in memory (the overlay simulation runs thousands of nodes in one process).</summary>
    internal NodeIdentity(X509Certificate2 certificate)
    {
        Certificate = certificate;
        NodeId = ComputeNodeId(certificate);
    }

    public X509Certificate2 Certificate { get; }

    public string NodeId { get; }

    public string InstanceId { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static string ComputeNodeId(X509Certificate2 certificate) => Convert.ToHexStringLower(SHA256.HashData(certificate.RawData));

    /// <summary>The node id of the identity stored at <paramref name="path"/>, read without creating one (for commands beside a running node).</summary>
    public static string ReadNodeId(string path)
    {
        using var certificate = Load(path);
        return ComputeNodeId(certificate);
    }

    public void Dispose() => Certificate.Dispose();

    private static X509Certificate2 Load(string path)
    {
        try
        {
            // From bytes: loading from a file path maps it and captures a stack trace with source lines (loading the PDB
            // reader and every frame's symbols, megabytes for the life of the process).
            return X509CertificateLoader.LoadPkcs12(File.ReadAllBytes(path), password: null, X509KeyStorageFlags.Exportable);
        }
        catch (CryptographicException ex)
        {
            throw new InvalidOperationException($"{path} is not a readable node identity ({ex.Message}). Restore it from a backup, or delete it to create a new identity.", ex);
        }
    }

    private static X509Certificate2 Create(string path, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=meshmind-node", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false)); // server + client auth
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(100));
        SecureFile.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12));
        return Load(path);
    }
}
