namespace MeshMind.Discovery;

/// <summary>UDP discovery hints (configuration section <c>Discovery</c>).</summary>
public sealed class DiscoveryOptions
{
    public const string Section = "Discovery";

    public static readonly IReadOnlyList<string> Modes = ["lan", "loopback", "off"];

    /// <summary><c>lan</c> (broadcast on every up IPv4 interface), <c>loopback</c> (127.255.255.255, tests and demos) or <c>off</c>.</summary>
    public string Mode { get; set; } = "lan";

    public int Port { get; set; } = 5000;
}
