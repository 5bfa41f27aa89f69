using System.Security.Cryptography;
using System.Text;
using MeshMind.Infrastructure;
using MeshMind.Node;
using Microsoft.Extensions.Options;

namespace MeshMind.Mesh.Admission;

/// <summary>
/// The secrets this node accepts, turned into purpose keys (HKDF-SHA256): the current one first (it signs and proves), then
/// previous ones still accepted during a rotation. The set can change while the node runs (a rotation, a join, the end of a
/// rotation's grace period: <see cref="Install"/>), and is kept in <see cref="SecretFile"/> when the node may write one.
/// </summary>
/// <remarks>
/// With no secret configured, the node generates 32 random bytes into <c>p2p_secret.txt</c> in its data directory
/// (owner-only) and says how to copy it; the secret itself is never printed or logged. Separate keys per purpose mean
/// a discovery tag can never be replayed as an admission proof.
/// </remarks>
internal sealed class MeshKeys
{
    public const string SecretFileName = "p2p_secret.txt";

    /// <summary>The most secrets accepted at once (a connection's opening proves each of them).</summary>
    public const int MaxSecrets = ConnectionProof.MaxProofs;

    private static readonly byte[] s_salt = Encoding.UTF8.GetBytes("meshmind/v1");
    private readonly Lock _lock = new();
    private State _state;

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
        SecretFile = MeshSecretFile.Writable(options.Value, dataDirectory.Root, out var reason);
        NotWritableReason = reason;
        _state = new State([.. secrets], [.. secrets.Select(Derive)], 0);
    }

    /// <summary>Raised after every change of the accepted secrets (on the thread that made it; keep handlers quick).</summary>
    public event Action? Changed;

    /// <summary>Every accepted key set; <see cref="Current"/> (index 0) is the one used to sign and prove.</summary>
    public IReadOnlyList<MeshKeySet> All => Volatile.Read(ref _state).Keys;

    public MeshKeySet Current => All[0];

    /// <summary>Counts the changes since start, so a check made against the set can tell whether it is still current.</summary>
    public long Generation => Volatile.Read(ref _state).Generation;

    /// <summary>The accepted secrets themselves, current first: only for handing the current one to a redeemed invite or a peer.</summary>
    internal IReadOnlyList<string> Secrets => Volatile.Read(ref _state).Secrets;

    /// <summary>Where the secrets are kept (<c>p2p_secret.txt</c>), or null when they are configured where the node does not write.</summary>
    public string? SecretFile { get; }

    /// <summary>Why <see cref="SecretFile"/> is null, for the person asking to rotate or join.</summary>
    public string? NotWritableReason { get; }

    public bool Accepts(MeshKeySet keys) => Array.IndexOf(Volatile.Read(ref _state).Keys, keys) >= 0;

    /// <summary>
    /// Makes <paramref name="secrets"/> (current first; duplicates and those beyond <see cref="MaxSecrets"/> left out) the accepted
    /// set: written to <see cref="SecretFile"/> first, if there is one, then in force at once. A secret kept keeps its key set.
    /// </summary>
    public void Install(IReadOnlyList<string> secrets)
    {
        lock (_lock)
        {
            var distinct = secrets.Distinct(StringComparer.Ordinal).Take(MaxSecrets).ToArray();
            if (distinct.Length == 0)
            {
                throw new ArgumentException("a node accepts at least one secret", nameof(secrets));
            }

            if (SecretFile is not null)
            {
                MeshSecretFile.Write(SecretFile, distinct);
            }

            var before = _state;
            var keys = distinct.Select(s => Array.IndexOf(before.Secrets, s) is var i and >= 0 ? before.Keys[i] : Derive(s)).ToArray();
            Volatile.Write(ref _state, new State(distinct, keys, before.Generation + 1));
        }

        Changed?.Invoke();
    }

    public static MeshKeySet Derive(string secret)
    {
        var ikm = Encoding.UTF8.GetBytes(secret);
        return new MeshKeySet(
            HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, 32, s_salt, Encoding.UTF8.GetBytes("discovery")),
            HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, 32, s_salt, Encoding.UTF8.GetBytes("join")));
    }

    /// <summary>A new random secret (32 bytes, hex), as a generated one.</summary>
    public static string NewSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    private static string Generate(string path, NodeConsole console)
    {
        if (File.Exists(path) && File.ReadAllText(path).Split('\n', StringSplitOptions.TrimEntries)[0] is { Length: >= MeshOptions.MinimumSecretLength } existing)
        {
            return existing;
        }

        var secret = NewSecret();
        MeshSecretFile.Write(path, [secret]);
        console.WriteLine($"meshmind: created a new mesh secret in {path}");
        console.WriteLine("meshmind: to add another device, use Invite a device on the Network screen or `meshmind invite` (or copy that file into its data directory, or set P2P_HMAC_SECRET to its contents); nodes with another secret are never admitted.");
        return secret;
    }

    private sealed record State(string[] Secrets, MeshKeySet[] Keys, long Generation);
}
