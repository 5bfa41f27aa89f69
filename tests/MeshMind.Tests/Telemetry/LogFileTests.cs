using MeshMind.Tests.Support;

namespace MeshMind.Tests.Telemetry;

/// <summary><c>--log-file</c> on a real node process: the file gets the log, never a secret; a path it cannot write stops the start.</summary>
public sealed class LogFileTests
{
    [Fact]
    public async Task LogFile_RelativePath_GetsTheNodesLogWithoutSecrets()
    {
        using var dir = new TempDirectory();
        const string password = "log-file-password";
        const string secret = "log-file-mesh-secret-0123456789";
        await using var node = NodeProcess.Start(dir.Path,
            ["--data-dir", dir.Combine("data"), "--http-port", "0", "--http-bind", "127.0.0.1", "--discovery", "off", "--log-file", "logs/meshmind.log"],
            new Dictionary<string, string> { ["NODE_PASSWORD"] = password, ["P2P_HMAC_SECRET"] = secret });
        await node.WaitForListeningAsync(cancellationToken: TestContext.Current.CancellationToken);
        var path = dir.Combine("logs", "meshmind.log");

        await Wait.UntilAsync(() => File.Exists(path) && File.ReadAllText(path).Contains("schema version", StringComparison.Ordinal),
            TimeSpan.FromSeconds(20), "the database's log entries in the log file");

        var text = File.ReadAllText(path);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z info MeshMind\.Storage\.Database\[100\] ", text.Split('\n').First(l => l.Contains("schema version", StringComparison.Ordinal)));
        Assert.DoesNotContain(password, text, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    [Fact]
    public async Task LogFile_Unwritable_StopsTheNodeWithOneLineNamingTheSetting()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Combine("plain"), "");

        var (exitCode, output) = await NodeProcess.RunToExitAsync(dir.Path,
            ["--data-dir", dir.Combine("data"), "--http-port", "0", "--http-bind", "127.0.0.1", "--discovery", "off", "--log-file", dir.Combine("plain", "m.log")],
            cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(2, exitCode);
        Assert.Contains("meshmind: error: Telemetry:LogFile: cannot write", output, StringComparison.Ordinal);
        Assert.Contains("--log-file", output, StringComparison.Ordinal);
        Assert.DoesNotContain("listening on", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LogFileCount_OutOfRange_StopsTheNodeNamingTheSetting()
    {
        using var dir = new TempDirectory();

        var (exitCode, output) = await NodeProcess.RunToExitAsync(dir.Path,
            ["--data-dir", dir.Combine("data"), "--http-port", "0", "--http-bind", "127.0.0.1", "--discovery", "off", "--log-file", "m.log"],
            new Dictionary<string, string> { ["MESHMIND__Telemetry__LogFileCount"] = "0" }, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(2, exitCode);
        Assert.Contains("Telemetry:LogFileCount: 0 is outside 1..100", output, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.Combine("m.log")), "no file is opened with limits that were refused");
    }
}
