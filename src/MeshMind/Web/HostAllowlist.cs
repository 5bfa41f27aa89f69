using System.Net;
using System.Net.NetworkInformation;
using Microsoft.Extensions.Options;

namespace MeshMind.Web;

/// <summary>
/// The names a browser may use for this node in <c>Host</c>: <c>localhost</c> and <c>*.localhost</c>, loopback addresses, this
/// machine's interface addresses, its host name (also as <c>NAME.local</c> and with its domain), the hosts of
/// <see cref="HttpOptions.AllowedOrigins"/>, and <see cref="HttpOptions.AllowedHosts"/> (<c>*</c> allows any).
/// </summary>
/// <remarks>
/// DNS rebinding (as in Ollama's CVE-2024-28224): a page on <c>evil.example</c> whose name is rebound to this node's address
/// sends requests with <c>Host: evil.example</c> and <c>Origin: http://evil.example</c>, which look same-origin to the
/// cross-origin check. A name the node does not know as its own is refused before anything else sees the request. The port is not
/// compared: a rebound page uses the node's port anyway, and a port-forward (a container's mapped port) would be refused for no gain.
/// Interface addresses are read again when an address literal is not among them and the list is older than
/// <see cref="AddressRefresh"/>, so a new DHCP lease is accepted without a restart and unknown addresses cost at most one look-up
/// per interval.
/// </remarks>
internal sealed class HostAllowlist
{
    public static readonly TimeSpan AddressRefresh = TimeSpan.FromSeconds(10);

    private readonly bool _anyHost;
    private readonly HashSet<string> _names = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _suffixes = [];
    private readonly Func<IEnumerable<IPAddress>> _interfaceAddresses;
    private readonly TimeProvider _time;
    private readonly Lock _refresh = new();
    private volatile Addresses _addresses = new([], DateTimeOffset.MinValue);

    public HostAllowlist(IOptions<HttpOptions> options, TimeProvider time)
        : this(options.Value, time, MachineNames(), InterfaceAddresses)
    {
    }

    internal HostAllowlist(HttpOptions options, TimeProvider time, IEnumerable<string> machineNames, Func<IEnumerable<IPAddress>> interfaceAddresses)
    {
        _time = time;
        _interfaceAddresses = interfaceAddresses;
        _names.Add("localhost");
        _suffixes.Add(".localhost");
        foreach (var name in machineNames)
        {
            _names.Add(name);
        }

        foreach (var origin in options.AllowedOrigins)
        {
            if (Uri.TryCreate(origin, UriKind.Absolute, out var uri))
            {
                _names.Add(Normalize(uri.Host));
            }
        }

        foreach (var entry in options.AllowedHosts.Select(h => h.Trim()))
        {
            if (entry == "*")
            {
                _anyHost = true;
            }
            else if (entry.StartsWith("*.", StringComparison.Ordinal))
            {
                _suffixes.Add(Normalize(entry[1..]));
            }
            else
            {
                _names.Add(Normalize(entry));
            }
        }
    }

    /// <summary>Whether <paramref name="host"/> (the <c>Host</c> header's host part, without the port) names this node.</summary>
    /// <remarks>A request without <c>Host</c> (HTTP/1.0) is allowed: every browser sends one, so it cannot come from a rebound page.</remarks>
    public bool IsAllowed(string host)
    {
        var name = Normalize(host);
        if (_anyHost || name.Length == 0 || _names.Contains(name))
        {
            return true;
        }

        if (IPAddress.TryParse(name, out var address))
        {
            return IsOwnAddress(address);
        }

        return _suffixes.Any(suffix => name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase));
    }

    private bool IsOwnAddress(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address))
        {
            return true;
        }

        var key = WithoutScope(address);
        var known = _addresses;
        if (known.Set.Contains(key))
        {
            return true;
        }

        var now = _time.GetUtcNow();
        lock (_refresh)
        {
            if (_addresses == known && now - known.ReadAt >= AddressRefresh)
            {
                _addresses = new Addresses(_interfaceAddresses().Select(WithoutScope).ToHashSet(), now);
            }

            return _addresses.Set.Contains(key);
        }
    }

    /// <summary>Lower case, without IPv6 brackets and without the trailing dot of a fully qualified name (<c>localhost.</c>).</summary>
    private static string Normalize(string host)
    {
        var name = host.Trim();
        if (name.StartsWith('[') && name.EndsWith(']'))
        {
            name = name[1..^1];
        }

        return name.TrimEnd('.').ToLowerInvariant();
    }

    private static IPAddress WithoutScope(IPAddress address) =>
        address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : new IPAddress(address.GetAddressBytes());

    private static List<string> MachineNames()
    {
        var names = new List<string> { Environment.MachineName };
        try
        {
            var properties = IPGlobalProperties.GetIPGlobalProperties();
            names.Add(properties.HostName);
            if (properties.DomainName is { Length: > 0 } domain && domain != "(none)")
            {
                names.Add(properties.HostName + "." + domain);
            }
        }
        catch (NetworkInformationException)
        {
            // The machine name alone is still known.
        }

        return names.Where(n => n.Length > 0).SelectMany(n => new[] { n, n + ".local" }).Select(Normalize).ToList();
    }

    private static List<IPAddress> InterfaceAddresses()
    {
        try
        {
            return NetworkInterface.GetAllNetworkInterfaces()
                .SelectMany(n => n.GetIPProperties().UnicastAddresses)
                .Select(a => a.Address)
                .ToList();
        }
        catch (NetworkInformationException)
        {
            return [];
        }
    }

    private sealed record Addresses(HashSet<IPAddress> Set, DateTimeOffset ReadAt);
}
