namespace MeshMind.Discovery;

/// <summary>UDP discovery hints (configuration section <c>Discovery</c>).</summary>
internal sealed class DiscoveryOptions
{
    public const string Section = "Discovery";

    public static readonly IReadOnlyList<string> Modes = ["lan", "loopback", "off"];

    /// <summary><c>lan</c> (broadcast on every up IPv4 interface), <c>loopback</c> (127.255.255.255, tests and demos) or <c>off</c>.</summary>
    public string Mode { get; set; } = "lan";

    public int Port { get; set; } = 5000;

    /// <summary>Time between periodic announcements (±20 % jitter). The seed's interval is 30 s.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Extra destinations (<c>IP</c> or <c>IP:PORT</c>) announced to in <c>lan</c> mode, e.g. a directed broadcast a router forwards.</summary>
    public List<string> Targets { get; set; } = [];

    /// <summary>In <c>lan</c> mode, only broadcast on these interfaces (names as <c>ip link</c> shows them); empty means every up IPv4 interface.</summary>
    public List<string> Interfaces { get; set; } = [];

    /// <summary>
    /// Authentic announcements accepted per second from one node id (bursts up to as many); the rest are dropped as rate
    /// limited. Forged datagrams are dropped by the tag check and never count against anyone's budget.
    /// </summary>
    public int MaxAnnouncementsPerSecondPerNode { get; set; } = 20;
}
