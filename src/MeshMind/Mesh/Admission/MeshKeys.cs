using System.Security.Cryptography;
using System.Text;
using MeshMind.Infrastructure;
using MeshMind.Node;
using Microsoft.Extensions.Options;

namespace MeshMind.Mesh.Admission;

/// <summary>
/// The mesh secret turned into purpose keys (HKDF-SHA256), current first, then previous ones for rotation.
/// </summary>
/// <remarks>
/// With no secret configured, the node generates 32 random bytes into <c>p2p_secret.txt</c> in its data directory
/// (owner-only) and says how to copy it; the secret itself is never printed or logged. Separate keys per purpose mean
/// a discovery tag can never be replayed as an admission proof.
/// </remarks>
internal sealed class MeshKeys
{
    public const string SecretFileName = "p2p_secret.txt";
    private static readonly byte[] s_salt = Encoding.UTF8.GetBytes("meshmind/v1");

    public MeshKeys(IOptions<MeshOptions> options, DataDirectory dataDirectory, NodeConsole console)
    {
        var secrets = new List<string>();
        if (!string.IsNullOrEmpty(options.Value.Secret))
        {
            secrets.Add(options.Value.Secret);
        }
        else
        {
            secrets.Add(Generate(dataDirectory.PathOf(SecretFileName), console));
        }

        secrets.AddRange(options.Value.PreviousSecrets);
        All = [.. secrets.Select(Derive)];
    }

    /// <summary>Every accepted key set; <see cref="Current"/> (index 0) is the one used to sign and prove.</summary>
    public IReadOnlyList<MeshKeySet> All { get; }

    public MeshKeySet Current => All[0];

    public static MeshKeySet Derive(string secret)
    {
        var ikm = Encoding.UTF8.GetBytes(secret);
        return new MeshKeySet(
            HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, 32, s_salt, Encoding.UTF8.GetBytes("discovery")),
            HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, 32, s_salt, Encoding.UTF8.GetBytes("join")));
    }

    private static string Generate(string path, NodeConsole console)
    {
        if (File.Exists(path) && File.ReadAllText(path).Split('\n', StringSplitOptions.TrimEntries)[0] is { Length: >= MeshOptions.MinimumSecretLength } existing)
        {
            return existing;
        }

        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        SecureFile.WriteAllBytes(path, Encoding.UTF8.GetBytes(secret + "\n"));
        console.WriteLine($"meshmind: created a new mesh secret in {path}");
        console.WriteLine("meshmind: copy that file into the data directory of every node of this mesh (or set P2P_HMAC_SECRET to its contents); nodes with another secret are never admitted.");
        return secret;
    }
}
