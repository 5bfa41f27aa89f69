using System.Net.Sockets;
using MeshMind.Discovery;

namespace MeshMind.Diagnostics.Checks;

/// <summary>
/// Discovery in plain words: whether its port is open (and who holds it if not), which interfaces and broadcast addresses it
/// uses and what each heard, and every sender whose datagrams were refused, by reason: another secret, a clock outside the
/// replay window, another version, a program that is not MeshMind.
/// </summary>
internal static class DiscoveryFindings
{
    /// <summary>Refusals older than this, from a sender accepted since, are history and not reported.</summary>
    public static readonly TimeSpan Recent = TimeSpan.FromMinutes(10);

    /// <summary>Senders reported one by one; the rest are summed up in one line.</summary>
    public const int MaxSenders = 10;

    /// <summary>How long after start silence counts as "heard nothing": nodes answer a new node's first announcement at once.</summary>
    public static readonly TimeSpan QuietAfter = TimeSpan.FromSeconds(10);

    public static IEnumerable<Finding> From(DiscoveryView view)
    {
        var options = view.Options;
        var port = options.Port;
        if (string.Equals(options.Mode, "off", StringComparison.OrdinalIgnoreCase))
        {
            yield return Finding.Info("discovery_off",
                "Discovery is off (--discovery off): this node finds peers only through static peers and what linked peers tell it.",
                "To find nodes on this network by themselves, start with --discovery lan; or add a static peer (HOST:7878) on the Network screen.");
            yield break;
        }

        if (view.BindError is { } error)
        {
            var by = view.PortHolders.Count > 0
                ? " by " + Plain.List([.. view.PortHolders.Select(h => $"{h.Name} (PID {h.ProcessId})")])
                : "";
            yield return error == SocketError.AddressAlreadyInUse
                ? Finding.Error("discovery_port_in_use",
                    $"UDP port {port} (discovery) is already in use{by}, so this node neither hears nor sends announcements.",
                    "Stop that program, or give every node of the mesh another port with --discovery-port; static peers (HOST:7878) work without discovery.")
                : Finding.Error("discovery_port_unavailable",
                    $"UDP port {port} (discovery) could not be opened ({error}), so this node neither hears nor sends announcements.",
                    "Give every node another port with --discovery-port, or add a static peer (HOST:7878) on the Network screen.");
            yield break;
        }

        yield return Finding.Ok("discovery_port", $"Discovery listens on UDP port {port}.");
        var loopback = string.Equals(options.Mode, "loopback", StringComparison.OrdinalIgnoreCase);
        if (loopback)
        {
            yield return Finding.Info("discovery_loopback",
                $"Discovery is in loopback mode: announcements go to 127.255.255.255, so only nodes on this machine are found.",
                "To find nodes on other machines, start with --discovery lan.");
        }
        else
        {
            foreach (var finding in Interfaces(view))
            {
                yield return finding;
            }
        }

        var heardFromOthers = view.Senders.Count > 0;
        if (!heardFromOthers && view.Uptime >= QuietAfter)
        {
            yield return Finding.Warning("discovery_heard_nothing",
                $"No datagram from another node has reached UDP port {port} in the {Plain.Duration(view.Uptime)} since this node started.",
                loopback
                    ? "Start another node on this machine with --discovery loopback and the same --discovery-port."
                    : $"Check that another node runs on this network with --discovery lan and the same port, and that UDP {port} is allowed in (meshmind firewall prints the rules). " +
                      "Broadcasts do not cross subnets, VPNs or Wi-Fi client isolation: then add a static peer (HOST:7878) on the Network screen.");
        }

        var refused = view.Senders
            .Where(s => s.LastRefused is { } last && (view.Now - last <= Recent || last >= (s.LastAccepted ?? DateTimeOffset.MinValue)))
            .SelectMany(s => Refusals(s, options))
            .ToList();
        foreach (var finding in refused.Take(MaxSenders))
        {
            yield return finding;
        }

        if (refused.Count > MaxSenders)
        {
            yield return Finding.Info("discovery_refused_more", $"{Plain.Count(refused.Count - MaxSenders, "more refusal")} from other senders are not listed.");
        }
    }

    private static IEnumerable<Finding> Interfaces(DiscoveryView view)
    {
        var options = view.Options;
        var interfaces = view.Targets.Where(t => t.Interface is not null).ToList();
        if (interfaces.Count == 0)
        {
            yield return Finding.Error("discovery_no_interface",
                options.Interfaces.Count > 0
                    ? $"None of the interfaces in Discovery:Interfaces ({string.Join(", ", options.Interfaces)}) is up with an IPv4 address, so announcements go only to 255.255.255.255."
                    : "No network interface is up with an IPv4 address, so announcements go only to 255.255.255.255.",
                options.Interfaces.Count > 0
                    ? "Name interfaces that are up in Discovery:Interfaces (as ip link or ipconfig shows them), or leave it empty to use all."
                    : "Connect this machine to the network.");
        }

        foreach (var target in interfaces)
        {
            var send = view.Sends.FirstOrDefault(s => s.Target.Equals(target.EndPoint));
            var heard = view.Senders.Where(s => s.Accepted > 0 && target.OnSubnet(s.Address))
                .Select(s => s.Name is { } name ? $"'{name}' ({s.Address})" : s.Address.ToString()).ToList();
            var where = $"{target.Interface} ({target.InterfaceAddress}/{target.PrefixLength})";
            var sent = $"{Plain.Count(send?.Sent ?? 0, "announcement")} sent to {target.EndPoint.Address}";
            var heardText = heard.Count > 0 ? $"heard {Plain.List(heard)}" : "nothing heard from other nodes there yet";
            if (send?.LastError is { } sendError)
            {
                yield return Finding.Warning("discovery_send_failed",
                    $"Discovery on {where}: announcements to {target.EndPoint.Address} fail ({sendError}); {heardText}.",
                    "Check that the interface is up and allows broadcasts, or leave it out with Discovery:Interfaces.");
            }
            else
            {
                yield return new Finding(heard.Count > 0 ? FindingLevel.Ok : FindingLevel.Info, "discovery_interface",
                    $"Discovery on {where}: {sent}; {heardText}.", null);
            }
        }

        foreach (var send in view.Sends.Where(s => s.LastError is not null && !interfaces.Any(t => t.EndPoint.Equals(s.Target))))
        {
            yield return Finding.Warning("discovery_send_failed", $"Announcements to {send.Target} fail ({send.LastError}).",
                "Check Discovery:Targets, and that this machine has a route to that address.");
        }
    }

    private static IEnumerable<Finding> Refusals(DiscoverySender sender, DiscoveryOptions options)
    {
        var refused = sender.Refused;
        long Count(params DropReason[] reasons) => reasons.Sum(r => refused.GetValueOrDefault(r));
        var who = sender.Address + (sender.Name is null ? "" : sender.NameVerified ? $" ('{sender.Name}')" : $" (which says it is '{sender.Name}')");

        if (Count(DropReason.BadTag) is > 0 and var badTag)
        {
            yield return Finding.Error("wrong_secret",
                $"{who} uses a different mesh secret: {Plain.Count(badTag, "announcement")} refused.",
                "Give both nodes the same secret: copy p2p_secret.txt from one node's data directory to the other's (or set P2P_HMAC_SECRET to the same value on both) and restart that node; or invite the device (meshmind invite).");
        }

        if (Count(DropReason.Stale) is > 0 and var stale)
        {
            var skew = sender.ClockSkewMs is { } ms ? TimeSpan.FromMilliseconds(ms) : (TimeSpan?)null;
            var off = skew is { } s ? $"clock {Plain.Duration(s)} off ({(s > TimeSpan.Zero ? "behind" : "ahead of")} this node's)" : "clock off";
            yield return Finding.Error("clock_skew",
                $"{who}: {off}, outside the {Plain.Duration(TimeSpan.FromMilliseconds(DiscoveryCodec.MaxClockSkewMilliseconds))} replay window, so its announcements are refused ({stale}).",
                "Set both machines' clocks from network time (Linux: timedatectl set-ntp true; Windows and macOS: set the time automatically).");
        }

        if (Count(DropReason.WrongVersion, DropReason.Unparsable) is > 0 and var version)
        {
            yield return Finding.Warning("other_version",
                $"{who} speaks another version of discovery: {Plain.Count(version, "datagram")} refused.",
                "Run the same MeshMind version on every node.");
        }

        if (Count(DropReason.NotLoopback) is > 0 and var outside)
        {
            yield return Finding.Warning("discovery_loopback_only",
                $"{who} sends announcements from the network ({outside}), but this node's discovery accepts only this machine's own (--discovery loopback).",
                "Start this node with --discovery lan.");
        }

        if (Count(DropReason.Garbage, DropReason.Oversize) is > 0 and var garbage)
        {
            yield return Finding.Warning("not_meshmind",
                $"{sender.Address} sends datagrams to UDP port {options.Port} that are not MeshMind announcements ({garbage}).",
                $"Another program on this network uses UDP port {options.Port}; give every node another port with --discovery-port.");
        }

        if (Count(DropReason.RateLimited, DropReason.QueueFull) is > 0 and var limited)
        {
            yield return Finding.Info("discovery_rate_limited",
                $"{who} sends more announcements than this node takes ({options.MaxAnnouncementsPerSecondPerNode} a second): {limited} dropped.");
        }
    }
}
