namespace MeshMind.Diagnostics.Checks;

/// <summary>The firewall, where its state could be read: an active one must let the mesh and discovery ports in from the LAN.</summary>
internal static class FirewallFindings
{
    public static Finding From(FirewallState state, int meshPort, int discoveryPort) =>
        state.Active is not null
            ? Finding.Info("firewall",
                $"{state.Detail}: it must let TCP {meshPort} (mesh) and UDP {discoveryPort} (discovery) in from your LAN, or peers cannot reach this node.",
                "meshmind firewall prints the rules for your LAN; meshmind firewall --apply adds them.")
            : Finding.Info("firewall_unknown",
                $"{state.Detail}. The reach-back test tells whether peers get through to TCP {meshPort}.",
                "meshmind firewall prints the rules that let the LAN in, if a firewall is in the way.");
}
