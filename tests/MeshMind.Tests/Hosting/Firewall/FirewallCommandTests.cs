using MeshMind.Tests.Support;

namespace MeshMind.Tests.Hosting.Firewall;

/// <summary><c>meshmind firewall</c> as a person runs it: without <c>--apply</c> it only prints, with the configured ports and subnets in CIDR form.</summary>
public sealed class FirewallCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Firewall_WithoutApply_PrintsRulesForTheConfiguredPortsAndChangesNothing()
    {
        var (exitCode, output) = await NodeProcess.RunToExitAsync(_dir.Path,
            ["firewall", "--backend", "nftables", "--mesh-bind", "0.0.0.0", "--mesh-port", "7979", "--discovery-port", "5055", "--http-port", "8181", "--allow", "172.31.0.0/16"],
            cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(exitCode == 0, output);
        Assert.Contains("mesh 7979/tcp, discovery 5055/udp, HTTP 8181/tcp", output, StringComparison.Ordinal);
        Assert.Contains("172.31.0.0/16 (--allow)", output, StringComparison.Ordinal);
        Assert.Matches(@"elements = \{ [^}]*172\.31\.0\.0/16", output);
        Assert.Contains("tcp dport { 7979, 8181 } counter drop", output, StringComparison.Ordinal);
        Assert.DoesNotContain("meshmind: applied", output, StringComparison.Ordinal);
        if (OperatingSystem.IsLinux() && Environment.UserName == "root")
        {
            var (_, tables, _) = await Command.RunAsync("sh", ["-c", "command -v nft >/dev/null && nft list tables || true"], TestContext.Current.CancellationToken);
            Assert.DoesNotContain("inet meshmind", tables, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Firewall_BadAllow_IsRefused()
    {
        var (exitCode, output) = await NodeProcess.RunToExitAsync(_dir.Path, ["firewall", "--allow", "10.0.0.1/8"],
            cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(2, exitCode);
        Assert.Contains("--allow: '10.0.0.1/8' is not a network in CIDR form", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Firewall_ApplyForAnotherSystem_IsRefused()
    {
        var other = OperatingSystem.IsWindows() ? "nftables" : "windows";

        var (exitCode, output) = await NodeProcess.RunToExitAsync(_dir.Path, ["firewall", "--apply", "--backend", other, "--allow", "10.0.0.0/8"],
            cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(2, exitCode);
        Assert.Contains($"--backend {other} rules can be printed here, not applied", output, StringComparison.Ordinal);
    }
}
