namespace MeshMind.Mesh;

/// <summary>The peer-facing mutual-TLS endpoint and the mesh secret (configuration section <c>Mesh</c>).</summary>
internal sealed class MeshOptions
{
    public const string Section = "Mesh";

    public const int MinimumSecretLength = 16;

    public int Port { get; set; } = 7878;

    /// <summary>Address the mesh port binds; peers on the LAN must reach it, so by default every IPv4 interface.</summary>
    public string BindAddress { get; set; } = "0.0.0.0";

    /// <summary>Time between link pings; a link is dead after <see cref="MissedPongs"/> unanswered pings.</summary>
    public TimeSpan PingInterval { get; set; } = TimeSpan.FromSeconds(5);

    public int MissedPongs { get; set; } = 3;

    /// <summary>
    /// The links this node dials at most (issue 20, "Past a full mesh"); 0, the default, links to every peer (a full mesh). With
    /// a degree, the node stops dialling once it has dialled that many links, keeps the ones it has, accepts links dialled to it
    /// up to <see cref="Links.LinkManager.AcceptFactor"/> times as many and refuses beyond that with a sample of its peers, so
    /// peer exchange and dialling form a random overlay of bounded degree.
    /// </summary>
    public int MaxLinks { get; set; }

    /// <summary>
    /// A new connection must complete TLS and the proof of a secret in force within this time, or it is closed. The peers'
    /// own clients give up connecting after 3 s; a TLS 1.3 handshake and the proof take milliseconds on a LAN.
    /// </summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Connections from one address that have not yet proven admission; beyond it, the oldest gives way to a new one.</summary>
    public int MaxUnauthenticatedConnectionsPerAddress { get; set; } = 16;

    /// <summary>Connections from all addresses together that have not yet proven admission; beyond it, the oldest of the address holding the most gives way.</summary>
    public int MaxUnauthenticatedConnections { get; set; } = 256;

    /// <summary>Static peers as <c>HOST:PORT</c>, dialled in addition to the ones discovery finds.</summary>
    public List<string> Peers { get; set; } = [];

    /// <summary>The shared mesh secret (seed name <c>P2P_HMAC_SECRET</c> / <c>p2p_secret.txt</c>). Never logged.</summary>
    public string? Secret { get; set; }

    /// <summary>Secrets still accepted (never used to sign) while a new <see cref="Secret"/> is rolled out to every node.</summary>
    public List<string> PreviousSecrets { get; set; } = [];

    /// <summary>
    /// The file <see cref="Secret"/> and <see cref="PreviousSecrets"/> were read from (<c>p2p_secret.txt</c>), set by the node's
    /// configuration; a rotation or a join writes the new secrets there. None when they come from elsewhere (an environment
    /// variable, the command line, <c>appsettings.json</c>), which the node cannot change.
    /// </summary>
    public string? SecretFile { get; set; }

    /// <summary>How long an invite code can be redeemed, once.</summary>
    public TimeSpan InviteLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>After a rotation, how long the secret before it is still accepted, so nodes that were sent the new one keep every link.</summary>
    public TimeSpan SecretGracePeriod { get; set; } = TimeSpan.FromHours(24);
}
