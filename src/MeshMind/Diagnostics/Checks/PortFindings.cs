using System.Net;

namespace MeshMind.Diagnostics.Checks;

/// <summary>The node's TCP ports (both are bound while it runs: a port in use stops the start), and whether the addresses they listen on let other machines in.</summary>
internal static class PortFindings
{
    public static IEnumerable<Finding> From(string httpBind, int httpPort, string meshBind, int meshPort, string discoveryMode)
    {
        if (IsLoopback(httpBind))
        {
            yield return Finding.Info("http_local_only",
                $"The web UI and API listen on {httpBind}:{httpPort} only: people on other machines cannot open them.",
                $"To open them from other machines, start with --http-bind 0.0.0.0 and allow TCP {httpPort} in from your LAN.");
        }
        else
        {
            yield return Finding.Ok("http_port", $"The web UI and API listen on {httpBind}:{httpPort} (TCP).");
        }

        if (IsLoopback(meshBind) && !string.Equals(discoveryMode, "loopback", StringComparison.OrdinalIgnoreCase))
        {
            yield return Finding.Error("mesh_local_only",
                $"The mesh port listens on {meshBind}:{meshPort} only: peers on other machines cannot reach this node.",
                "Start with --mesh-bind 0.0.0.0 (the default).");
        }
        else
        {
            yield return Finding.Ok("mesh_port", $"The mesh port listens on {meshBind}:{meshPort} (TCP, mutual TLS).");
        }
    }

    private static bool IsLoopback(string bind) => IPAddress.TryParse(bind, out var address) && IPAddress.IsLoopback(address);
}
