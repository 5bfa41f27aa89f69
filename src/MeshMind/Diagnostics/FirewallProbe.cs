using System.Globalization;

namespace MeshMind.Diagnostics;

/// <summary>
/// Reads what can be read cheaply, without root and without running programs, of whether a firewall may stand between peers
/// and this node: ufw's switch in <c>/etc/ufw/ufw.conf</c> and a running <c>firewalld</c> on Linux, Windows Defender
/// Firewall's profiles in the registry. nftables and iptables rules, and macOS's application firewall, need root or a program
/// to read; the reach-back test tells instead whether peers get through.
/// </summary>
internal static class FirewallProbe
{
    public static FirewallState Read()
    {
        try
        {
            if (OperatingSystem.IsLinux())
            {
                return ReadLinux();
            }

            if (OperatingSystem.IsWindows())
            {
                return ReadWindows();
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.SecurityException)
        {
            return new FirewallState(null, $"The firewall's state could not be read ({ex.Message})");
        }

        return OperatingSystem.IsMacOS()
            ? new FirewallState(null, "On macOS, the application firewall (System Settings → Network → Firewall) must allow meshmind")
            : new FirewallState(null, "This machine's firewall state could not be read");
    }

    private static FirewallState ReadLinux()
    {
        const string ufw = "/etc/ufw/ufw.conf";
        if (File.Exists(ufw) && File.ReadLines(ufw).Any(l => l.Trim().Replace(" ", "", StringComparison.Ordinal).Equals("ENABLED=yes", StringComparison.OrdinalIgnoreCase)))
        {
            return new FirewallState("ufw", "ufw is enabled");
        }

        if (ProcessRunning("firewalld"))
        {
            return new FirewallState("firewalld", "firewalld is running");
        }

        return new FirewallState(null, "Neither ufw nor firewalld is active; nftables or iptables rules, if any, need root to read");
    }

    /// <summary>Whether a process of that name runs (at most the first 20,000 entries of <c>/proc</c> are looked at).</summary>
    private static bool ProcessRunning(string name)
    {
        foreach (var process in Directory.EnumerateDirectories("/proc").Take(20_000))
        {
            if (!int.TryParse(Path.GetFileName(process), NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                continue;
            }

            try
            {
                if (File.ReadAllText(Path.Combine(process, "comm")).Trim() == name)
                {
                    return true;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The process ended.
            }
        }

        return false;
    }

    [System.Runtime.Versioning.SupportedOSPlatform("windows")]
    private static FirewallState ReadWindows()
    {
        const string policy = @"SYSTEM\CurrentControlSet\Services\SharedAccess\Parameters\FirewallPolicy\";
        var on = new List<string>();
        foreach (var (key, profile) in new[] { ("DomainProfile", "Domain"), ("StandardProfile", "Private"), ("PublicProfile", "Public") })
        {
            using var registry = Microsoft.Win32.Registry.LocalMachine.OpenSubKey(policy + key);
            if (registry?.GetValue("EnableFirewall") is int enabled && enabled != 0)
            {
                on.Add(profile);
            }
        }

        return on.Count > 0
            ? new FirewallState("Windows Defender Firewall", $"Windows Defender Firewall is on for the {string.Join(", ", on)} profile{(on.Count == 1 ? "" : "s")}")
            : new FirewallState(null, "Windows Defender Firewall is off for every profile");
    }
}
