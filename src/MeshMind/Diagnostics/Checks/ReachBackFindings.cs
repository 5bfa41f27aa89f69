using MeshMind.Diagnostics.ReachBack;

namespace MeshMind.Diagnostics.Checks;

/// <summary>The reach-back test in plain words: which linked peer got through to this node's mesh port, at which address, and which did not and why.</summary>
internal static class ReachBackFindings
{
    public static IEnumerable<Finding> From(IReadOnlyList<ReachBackReport> reports, int meshPort)
    {
        if (reports.Count == 0)
        {
            yield return Finding.Info("reach_back_skipped",
                "The reach-back test needs a linked peer: once one links, it is asked to dial this node's mesh port to show whether peers get through.");
            yield break;
        }

        foreach (var report in reports)
        {
            var peer = Plain.Name(report.PeerName, report.PeerNodeId);
            if (report.Error is { } error)
            {
                yield return Finding.Warning("reach_back_unavailable", $"{peer} could not run the reach-back test: {error}.");
                continue;
            }

            var reached = report.Results.Where(r => r.Reached).ToList();
            var failed = report.Results.Where(r => !r.Reached).Select(r => $"{Endpoint(r)}: {r.Error}").ToList();
            if (reached.Count > 0)
            {
                var ms = reached.Min(r => r.Ms) is { } fastest ? $" ({fastest:0.#} ms)" : "";
                yield return Finding.Ok("reach_back",
                    $"{peer} reached this node's mesh port at {Plain.List([.. reached.Select(Endpoint)])}{ms}" +
                    (failed.Count > 0 ? $"; not at {string.Join("; ", failed)}." : "."));
            }
            else
            {
                yield return Finding.Error("reach_back_failed",
                    $"{peer} could not reach this node's mesh port: {(failed.Count > 0 ? string.Join("; ", failed) : "it knows no address of this node")}. " +
                    "This node can dial out, but peers cannot dial in.",
                    $"Allow TCP {meshPort} in from your LAN (meshmind firewall --apply), keep --mesh-bind at 0.0.0.0, and check that no VPN or Wi-Fi client isolation stands between the machines.");
            }
        }
    }

    private static string Endpoint(ReachBackResult result) =>
        result.Address.Contains(':', StringComparison.Ordinal) ? $"[{result.Address}]:{result.Port}" : $"{result.Address}:{result.Port}";
}
