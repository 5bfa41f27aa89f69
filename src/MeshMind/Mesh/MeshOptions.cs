namespace MeshMind.Mesh;

/// <summary>The peer-facing mutual-TLS endpoint and the mesh secret (configuration section <c>Mesh</c>).</summary>
public sealed class MeshOptions
{
    public const string Section = "Mesh";

    public const int MinimumSecretLength = 16;

    public int Port { get; set; } = 7878;

    /// <summary>Static peers as <c>HOST:PORT</c>, dialled in addition to the ones discovery finds.</summary>
    public List<string> Peers { get; set; } = [];

    /// <summary>The shared mesh secret (seed name <c>P2P_HMAC_SECRET</c> / <c>p2p_secret.txt</c>). Never logged.</summary>
    public string? Secret { get; set; }

    /// <summary>Secrets still accepted (never used to sign) while a new <see cref="Secret"/> is rolled out to every node.</summary>
    public List<string> PreviousSecrets { get; set; } = [];
}
