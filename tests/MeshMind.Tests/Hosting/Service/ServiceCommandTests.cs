using System.Globalization;
using System.Net.Http.Json;
using MeshMind.Hosting.Service;
using MeshMind.Tests.Support;

namespace MeshMind.Tests.Hosting.Service;

/// <summary><c>meshmind service</c> as a person runs it: the real executable, its dry run, its refusals, and systemd's view of its unit.</summary>
public sealed class ServiceCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task InstallDryRun_PrintsTheUnitWithTheGivenOptionsAndChangesNothing()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("Skipped: the dry run checked here is the Linux one (systemd); the other platforms' output is checked by ServiceDefinitionTests.");
        }

        File.WriteAllText(_dir.Combine("p2p_secret.txt"), "a-secret-that-must-not-be-printed-0123456789\n");

        var (exitCode, output) = await NodeProcess.RunToExitAsync(_dir.Path,
            ["service", "install", "--dry-run", "--service-name", "mm-dry", "--http-port", "9090", "--peer", "10.0.0.5:7878"], cancellationToken: Ct);

        Assert.True(exitCode == 0, output);
        Assert.Contains("--- /etc/systemd/system/mm-dry.service", output, StringComparison.Ordinal);
        Assert.Matches(@"ExecStart=\S*dotnet \S*meshmind\.dll run --data-dir /var/lib/mm-dry --log-file /var/log/mm-dry/meshmind\.log --http-port 9090 --peer 10\.0\.0\.5:7878\n", output);
        Assert.Contains("Type=notify", output, StringComparison.Ordinal);
        Assert.Contains("User=mm-dry", output, StringComparison.Ordinal);
        Assert.Contains($"would copy {_dir.Combine("p2p_secret.txt")} to /var/lib/mm-dry/p2p_secret.txt", output, StringComparison.Ordinal);
        Assert.Contains("+ systemctl enable --now mm-dry.service", output, StringComparison.Ordinal);
        Assert.DoesNotContain("a-secret-that-must-not-be-printed", output, StringComparison.Ordinal);
        Assert.False(File.Exists("/etc/systemd/system/mm-dry.service"));
        Assert.False(Directory.Exists("/var/lib/mm-dry"));
    }

    [Fact]
    public async Task Install_NotRoot_RefusesSayingSo()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("Skipped: the root check is the Linux installer's (Windows asks for an administrator, macOS refuses root).");
        }

        // As root (CI), the same command is run as the unprivileged user 'nobody'.
        var root = Environment.UserName == "root";
        var dotnet = DotnetHost();
        string[] command = [.. root ? new[] { "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", dotnet } : [dotnet],
            NodeProcess.DefaultAssembly, "service", "install", "--service-name", "mm-refused"];
        var (exitCode, output, error) = await Command.RunAsync(command[0], command[1..], Ct);

        Assert.Equal(2, exitCode);
        Assert.Contains("meshmind: error: installing a system service needs root: run `sudo meshmind service install`", error, StringComparison.Ordinal);
        Assert.DoesNotContain("+ ", output, StringComparison.Ordinal);
        Assert.False(File.Exists("/etc/systemd/system/mm-refused.service"));
    }

    [Fact]
    public async Task BadServiceName_IsRefused()
    {
        var (exitCode, output) = await NodeProcess.RunToExitAsync(_dir.Path, ["service", "status", "--service-name", "../etc"], cancellationToken: Ct);

        Assert.Equal(2, exitCode);
        Assert.Contains("--service-name: '../etc' is not a service name", output, StringComparison.Ordinal);
    }

    /// <summary>
    /// Where systemd runs (and the test is root): installs the unit for real under a name of its own, waits until systemd
    /// reports it active (Type=notify: after READY=1) and the node answers, then removes it. Where systemd is not running
    /// (containers, this CI): checks the same unit with <c>systemd-analyze verify</c>. The test says which it did.
    /// </summary>
    [Fact]
    public async Task SystemdUnit_InstallsAndStartsWhereSystemdRuns_OtherwisePassesSystemdAnalyzeVerify()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("Skipped: systemd units are for Linux.");
        }

        var log = TestContext.Current.TestOutputHelper;
        if (Directory.Exists("/run/systemd/system") && Environment.UserName == "root")
        {
            log?.WriteLine("systemd is running here: installing and starting the unit for real");
            await InstallAndStartAsync();
            return;
        }

        var (whichCode, _, _) = await Command.RunAsync("sh", ["-c", "command -v systemd-analyze"], Ct);
        if (whichCode != 0)
        {
            if (Environment.GetEnvironmentVariable("MESHMIND_REQUIRE_NETNS") == "1")
            {
                Assert.Fail("systemd-analyze is required here (scripts/test.sh installs it with the systemd package)");
            }

            Assert.Skip("Skipped: systemd is not running here and systemd-analyze is not installed (apt-get install systemd).");
        }

        log?.WriteLine("systemd is not running here (no /run/systemd/system): checking the unit with systemd-analyze verify");
        var unit = SystemdUnit.Render(new ServiceSpec
        {
            Name = "mm-verify",
            Program = [DotnetHost(), NodeProcess.DefaultAssembly],
            DataDirectory = "/var/lib/mm-verify",
            LogFile = "/var/log/mm-verify/meshmind.log",
            NodeArguments = ["--http-port", "9090", "--name", "Lab box"],
        });
        var path = _dir.Combine("mm-verify.service");
        File.WriteAllText(path, unit);

        var (code, output, error) = await Command.RunAsync("systemd-analyze", ["verify", path], Ct);

        log?.WriteLine($"systemd-analyze verify: exit code {code}{(error.Length > 0 ? ", " + error.Trim() : ", no findings")}");
        Assert.True(code == 0, $"systemd-analyze verify failed ({code}): {output}{error}");
        Assert.Equal("", error.Trim());
    }

    private async Task InstallAndStartAsync()
    {
        var name = "mm-t" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3));
        var port = FreePort.Tcp();
        try
        {
            var (exitCode, output) = await NodeProcess.RunToExitAsync(_dir.Path,
                ["service", "install", "--service-name", name, "--http-bind", "127.0.0.1", "--http-port", port.ToString(CultureInfo.InvariantCulture),
                    "--mesh-bind", "127.0.0.1", "--mesh-port", "0", "--discovery", "off"], cancellationToken: Ct);
            TestContext.Current.TestOutputHelper?.WriteLine(output);
            Assert.True(exitCode == 0, output);

            var (_, active, _) = await Command.RunAsync("systemctl", ["is-active", name + ".service"], Ct);
            Assert.Equal("active", active.Trim());
            var (_, type, _) = await Command.RunAsync("systemctl", ["show", "--property", "Type,User", name + ".service"], Ct);
            Assert.Contains("Type=notify", type, StringComparison.Ordinal);
            Assert.Contains($"User={name}", type, StringComparison.Ordinal);
            using var http = new HttpClient();
            var health = await http.GetFromJsonAsync<Dictionary<string, string>>($"http://127.0.0.1:{port}/healthz", Ct);
            Assert.Equal("ok", health?["status"]);
            Assert.True(File.Exists($"/var/log/{name}/meshmind.log"), "the service logs to its rotating file");
        }
        finally
        {
            var (code, output) = await NodeProcess.RunToExitAsync(_dir.Path, ["service", "uninstall", "--purge", "--service-name", name], cancellationToken: CancellationToken.None);
            TestContext.Current.TestOutputHelper?.WriteLine(output);
            Assert.True(code == 0, output);
        }

        Assert.False(File.Exists($"/etc/systemd/system/{name}.service"));
    }

    /// <summary>The dotnet host that runs these tests (systemd needs an absolute path to execute).</summary>
    private static string DotnetHost()
    {
        var self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            return self;
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, "dotnet")).FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("dotnet is not on PATH");
    }
}
