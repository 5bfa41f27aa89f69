using System.Globalization;
using System.Text;

namespace MeshMind.Hosting.Firewall;

/// <summary>
/// Windows: inbound allow rules of Windows Defender Firewall (group <c>MeshMind</c>), one per port, from <c>LocalSubnet</c>
/// (Windows' own name for the subnets of this machine's interfaces, kept current as they change) on Private and Domain
/// networks only, never Public ones.
/// </summary>
internal static class WindowsFirewallRules
{
    public const string Group = "MeshMind";

    /// <param name="plan">The ports (the subnets are named in the header; <c>LocalSubnet</c> keeps up with them).</param>
    /// <param name="extra">Networks given with <c>--allow</c>, allowed besides the local subnets.</param>
    public static string Render(FirewallPlan plan, IReadOnlyList<string> extra)
    {
        var script = new StringBuilder();
        script.Append(FirewallText.Header(plan, "Windows Defender Firewall, PowerShell as administrator", "#"));
        script.Append("# LocalSubnet is Windows' name for those subnets; the rules apply on Private and Domain networks, not Public ones.\n");
        script.Append("# apply: meshmind firewall --apply (as administrator); remove: meshmind firewall --remove\n");
        script.Append(RenderRemove());
        var remote = string.Join(',', extra.Prepend("LocalSubnet"));
        foreach (var port in plan.Ports)
        {
            script.Append(CultureInfo.InvariantCulture,
                $"New-NetFirewallRule -Group '{Group}' -DisplayName 'MeshMind {port.Purpose} ({port.Protocol.ToUpperInvariant()} {port.Port})' -Direction Inbound -Action Allow -Protocol {port.Protocol.ToUpperInvariant()} -LocalPort {port.Port} -RemoteAddress {remote} -Profile Private,Domain | Out-Null\n");
        }

        return script.ToString();
    }

    public static string RenderRemove() => $"Remove-NetFirewallRule -Group '{Group}' -ErrorAction SilentlyContinue\n";

    /// <summary>Runs a script in Windows PowerShell, passed encoded so that no quoting of the command line can change it.</summary>
    public static ExternalCommand PowerShell(string script) =>
        new("powershell.exe", "-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass", "-EncodedCommand",
            Convert.ToBase64String(Encoding.Unicode.GetBytes("$ErrorActionPreference = 'Stop'\n" + script)));
}
