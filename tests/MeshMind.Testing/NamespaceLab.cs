using System.Globalization;
using System.Security.Cryptography;

namespace MeshMind.Testing;

/// <summary>
/// A throw-away network made of Linux network namespaces (needs root): "switches" (a namespace holding a bridge),
/// hosts (a namespace with one veth on a switch, address 10.213.S.H/24), and routers joining two switches.
/// Real <c>meshmind</c> processes run inside the hosts with LAN discovery, which here only ever reaches the lab.
/// </summary>
/// <remarks>
/// Nothing is added to the caller's own namespace: the lab is reached only through <c>ip netns exec</c>.
/// <see cref="DisposeAsync"/> kills every node and fake Ollama and deletes every namespace, also after a failure; namespaces left by a
/// crashed run (prefix <c>mmt</c>) are deleted when the next lab starts; a lab whose owner process still runs (another test
/// run on the same machine) is left alone.
/// </remarks>
public sealed class NamespaceLab : IAsyncDisposable
{
    public const string Prefix = "mmt";
    private readonly string _id = Prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(2));
    private readonly List<string> _namespaces = [];
    private readonly List<LabNode> _nodes = [];
    private readonly List<FakeOllamaProcess> _ollamas = [];
    private int _veths;

    private NamespaceLab(string root)
    {
        Root = root;
    }

    /// <summary>Scratch space for the nodes' working and data directories.</summary>
    public string Root { get; }

    /// <summary>Why labs cannot run here, or null when they can.</summary>
    public static async Task<string?> UnavailableAsync()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "network namespaces need Linux";
        }

        if (Environment.UserName != "root")
        {
            return "network namespaces need root";
        }

        try
        {
            var (code, _, error) = await Command.RunAsync("ip", ["netns", "list"]);
            return code == 0 ? null : $"ip netns does not work here: {error.Trim()}";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "the ip command (iproute2) is not installed";
        }
    }

    public static async Task<NamespaceLab> CreateAsync()
    {
        await CleanStaleAsync();
        RoomForNeighbours();
        return new NamespaceLab(Directory.CreateTempSubdirectory("meshmind-lab-").FullName);
    }

    /// <summary>The neighbour (ARP) table size this lab needs: 16,384 entries before the kernel refuses new ones.</summary>
    public const int NeighbourTableSize = 16_384;

    /// <summary>
    /// Makes room in the kernel's neighbour (ARP) table for a lab of many hosts. The table and its limits
    /// (<c>net.ipv4.neigh.default.gc_thresh1..3</c>, set only in the first network namespace) are shared by every namespace
    /// on the machine: a full mesh of N hosts on one bridge needs about N × (N − 1) entries, 2,450 for 50, and past the
    /// default 1,024 the kernel refuses new ones ("neighbor table overflow"). Then ARP stops resolving, TCP dials time out,
    /// and even broadcasts fail to leave their sender (UDP <c>SndbufErrors</c>): the 50-node mesh of issue 20 never formed
    /// for this reason. One machine's own LAN needs one entry per neighbour, far below the default.
    /// </summary>
    private static void RoomForNeighbours()
    {
        const string thresholds = "/proc/sys/net/ipv4/neigh/default/gc_thresh";
        try
        {
            if (int.TryParse(File.ReadAllText(thresholds + "3").Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size >= NeighbourTableSize)
            {
                return;
            }

            // The hard limit first, so the three stay in order (1 ≤ 2 ≤ 3) at every step.
            File.WriteAllText(thresholds + "3", NeighbourTableSize.ToString(CultureInfo.InvariantCulture));
            File.WriteAllText(thresholds + "2", (NeighbourTableSize / 2).ToString(CultureInfo.InvariantCulture));
            File.WriteAllText(thresholds + "1", (NeighbourTableSize / 4).ToString(CultureInfo.InvariantCulture));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Not root, or a kernel without them: small labs work with the defaults.
        }
    }

    /// <summary>A switch for subnet 10.213.<paramref name="subnet"/>.0/24.</summary>
    public async Task<LabSwitch> AddSwitchAsync(int subnet)
    {
        var name = await NewNamespaceAsync($"s{subnet}");
        await Command.IpAsync("-n", name, "link", "add", "br0", "type", "bridge");
        await Command.IpAsync("-n", name, "link", "set", "br0", "up");
        return new LabSwitch(name, subnet);
    }

    /// <summary>A host at 10.213.S.<paramref name="number"/>, with a default route via <paramref name="gateway"/> if given.</summary>
    public async Task<LabHost> AddHostAsync(LabSwitch network, int number, string? gateway = null)
    {
        var name = await NewNamespaceAsync($"h{network.Subnet}x{number}");
        var address = $"10.213.{network.Subnet}.{number}";
        await PlugAsync(name, "eth0", network, $"{address}/24");
        if (gateway is not null)
        {
            await Command.IpAsync("-n", name, "route", "add", "default", "via", gateway);
        }

        return new LabHost(name, address);
    }

    /// <summary>A router at .1 on both subnets; broadcasts do not cross it, unicast does.</summary>
    public async Task AddRouterAsync(LabSwitch first, LabSwitch second)
    {
        var name = await NewNamespaceAsync("r");
        await PlugAsync(name, "eth0", first, $"10.213.{first.Subnet}.1/24");
        await PlugAsync(name, "eth1", second, $"10.213.{second.Subnet}.1/24");
        var (code, _, error) = await Command.RunAsync("ip", ["netns", "exec", name, "sysctl", "-qw", "net.ipv4.ip_forward=1"]);
        if (code != 0)
        {
            throw new InvalidOperationException($"could not enable forwarding in the router: {error}");
        }
    }

    /// <summary>Starts a node on a host: LAN discovery, default ports, HTTP on the host's own loopback.</summary>
    /// <remarks>A null <paramref name="secret"/> leaves the node to keep its own in its data directory (see <see cref="LabNode.Secret"/>).</remarks>
    public Task<LabNode> StartNodeAsync(LabHost host, string name, string? secret, IEnumerable<string>? extraArguments = null,
        IDictionary<string, string>? environment = null, CancellationToken cancellationToken = default) =>
        StartNodeAsync(host, name, secret, extraArguments, environment, identify: true, cancellationToken);

    /// <summary>
    /// Starts a node as <see cref="StartNodeAsync(LabHost, string, string, IEnumerable{string}?, IDictionary{string, string}?, CancellationToken)"/>
    /// does, but sends it no request: its <see cref="LabNode.NodeId"/> is unknown until <see cref="LabNode.IdentifyAsync"/>
    /// (for timing a node without loading it).
    /// </summary>
    public Task<LabNode> StartUnidentifiedNodeAsync(LabHost host, string name, string secret, IDictionary<string, string>? environment = null,
        CancellationToken cancellationToken = default) =>
        StartNodeAsync(host, name, secret, extraArguments: null, environment, identify: false, cancellationToken);

    private async Task<LabNode> StartNodeAsync(LabHost host, string name, string? secret, IEnumerable<string>? extraArguments,
        IDictionary<string, string>? environment, bool identify, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(Root, name);
        Directory.CreateDirectory(directory);
        var node = new LabNode(host, name, secret, directory, extraArguments?.ToArray() ?? [], environment);
        // Owned by the lab from the start, so a node that fails to start is still killed when the lab is disposed.
        _nodes.Add(node);
        await node.StartAsync(identify, cancellationToken);
        return node;
    }

    /// <summary>
    /// A node on a host that is not started yet (the lab still owns it): run a command in its directory first
    /// (<see cref="LabNode.RunCommandAsync"/>, e.g. <c>meshmind join CODE</c>), then <see cref="LabNode.StartAsync(CancellationToken)"/>.
    /// </summary>
    public LabNode AddNode(LabHost host, string name, string? secret, IEnumerable<string>? extraArguments = null,
        IDictionary<string, string>? environment = null)
    {
        var directory = Path.Combine(Root, name);
        Directory.CreateDirectory(directory);
        var node = new LabNode(host, name, secret, directory, extraArguments?.ToArray() ?? [], environment);
        _nodes.Add(node);
        return node;
    }

    /// <summary>
    /// Starts a fake Ollama on the host's own loopback, at Ollama's default port: a node on that host started with
    /// <c>--ollama-url http://127.0.0.1:11434</c> has an LLM. It is killed when the lab is disposed.
    /// </summary>
    public Task<FakeOllamaProcess> StartFakeOllamaAsync(LabHost host, TimeSpan tokenDelay, IEnumerable<string>? models = null,
        CancellationToken cancellationToken = default) => StartFakeOllamaAsync(host, tokenDelay, models, extraArguments: [], cancellationToken);

    /// <summary>As above, with more of the fake's flags (<c>--gpu-slots 1</c>, <c>--reply TEXT</c>, …; see its Program.cs).</summary>
    public async Task<FakeOllamaProcess> StartFakeOllamaAsync(LabHost host, TimeSpan tokenDelay, IEnumerable<string>? models, IEnumerable<string> extraArguments,
        CancellationToken cancellationToken = default)
    {
        var directory = Path.Combine(Root, "ollama-" + host.Address);
        Directory.CreateDirectory(directory);
        var ollama = await FakeOllamaProcess.StartAsync(directory, host.Namespace, tokenDelay, models, cancellationToken: cancellationToken,
            extraArguments: extraArguments);
        _ollamas.Add(ollama);
        return ollama;
    }

    public static Task SetLinkAsync(LabHost host, bool up) => Command.IpAsync("-n", host.Namespace, "link", "set", "eth0", up ? "up" : "down");

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        foreach (var ollama in _ollamas)
        {
            await ollama.DisposeAsync();
        }

        foreach (var name in _namespaces.AsEnumerable().Reverse())
        {
            await Command.RunAsync("ip", ["netns", "del", name]);
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A file may still be held for a moment; the temp cleaner removes it later.
        }
    }

    private async Task<string> NewNamespaceAsync(string suffix)
    {
        // The owner's process id is in the name, so another test run's lab start leaves this lab alone while its owner lives.
        var name = $"{_id}-p{Environment.ProcessId}-{suffix}";
        await Command.IpAsync("netns", "add", name);
        _namespaces.Add(name);
        await Command.IpAsync("-n", name, "link", "set", "lo", "up");
        return name;
    }

    private async Task PlugAsync(string hostNamespace, string interfaceName, LabSwitch network, string cidr)
    {
        // Interface names are at most 15 characters: keep the temporary ones short.
        var index = Interlocked.Increment(ref _veths).ToString(CultureInfo.InvariantCulture);
        var inside = $"{_id}a{index}";
        var outside = $"{_id}b{index}";
        await Command.IpAsync("link", "add", inside, "netns", hostNamespace, "type", "veth", "peer", "name", outside, "netns", network.Namespace);
        await Command.IpAsync("-n", hostNamespace, "link", "set", inside, "name", interfaceName);
        await Command.IpAsync("-n", hostNamespace, "addr", "add", cidr, "dev", interfaceName);
        await Command.IpAsync("-n", hostNamespace, "link", "set", interfaceName, "up");
        await Command.IpAsync("-n", network.Namespace, "link", "set", outside, "master", "br0");
        await Command.IpAsync("-n", network.Namespace, "link", "set", outside, "up");
    }

    /// <summary>Whether the process that made lab namespace <paramref name="name"/> (<c>mmtXXXX-pPID-…</c>) still runs; a name without one is stale.</summary>
    private static bool OwnerAlive(string name)
    {
        var parts = name.Split('-');
        if (parts.Length < 3 || !parts[1].StartsWith('p') || !int.TryParse(parts[1].AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            return false;
        }

        try
        {
            using var owner = System.Diagnostics.Process.GetProcessById(pid);
            return !owner.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static async Task CleanStaleAsync()
    {
        var (_, output, _) = await Command.RunAsync("ip", ["netns", "list"]);
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var name = line.Split(' ')[0];
            if (name.StartsWith(Prefix, StringComparison.Ordinal) && name.Contains('-', StringComparison.Ordinal) && !OwnerAlive(name))
            {
                // A lab namespace whose owner died; any node still in it dies with it.
                var (_, pids, _) = await Command.RunAsync("ip", ["netns", "pids", name]);
                foreach (var pid in pids.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    await Command.RunAsync("kill", ["-9", pid]);
                }

                await Command.RunAsync("ip", ["netns", "del", name]);
            }
        }
    }
}

public sealed record LabSwitch(string Namespace, int Subnet);

public sealed record LabHost(string Namespace, string Address);
