using System.Net.Http.Json;
using MeshMind.Hosting;
using MeshMind.Tests.Support;

namespace MeshMind.Tests.Hosting;

/// <summary><c>meshmind doctor</c> against a real in-process node: one finding a line, logged in with the data directory's key or an API key.</summary>
public sealed class DoctorCommandTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(int ExitCode, string Output, string Error)> DoctorAsync(string[] args, Dictionary<string, string?>? environment = null)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var command = MeshMindCommand.Create(overrides => new NodeLaunch
        {
            CommandLine = overrides,
            Environment = environment ?? [],
            Output = output,
            Error = error,
        });
        var exitCode = await command.Parse(["doctor", .. args]).InvokeAsync(cancellationToken: Ct);
        return (exitCode, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Doctor_BesideTheNode_LogsInWithTheDataDirectoryKey_PrintsOneFindingALine()
    {
        await using var node = await TestNode.StartAsync();

        var (exitCode, output, error) = await DoctorAsync(["--url", node.BaseAddress.ToString(), "--data-dir", node.DataDir]);

        Assert.Equal("", error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.All(lines, l => Assert.Matches(@"^(error|warning|info|ok) +\[[a-z_]+\] \S", l));
        Assert.Contains(lines, l => l.StartsWith("warning [no_peers] This node is linked to no peer. Fix: ", StringComparison.Ordinal));
        // The test node's mesh port listens on 127.0.0.1 only: an error, so the exit code says something is wrong.
        Assert.Contains(lines, l => l.StartsWith("error   [mesh_local_only]", StringComparison.Ordinal));
        Assert.Equal(1, exitCode);
        Assert.StartsWith("error", lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_ApiKey_WorksWithoutTheDataDirectory_AWrongOneIsRefused()
    {
        await using var node = await TestNode.StartAsync();
        using var client = await node.CreateLoggedInClientAsync();
        var created = await (await client.PostAsJsonAsync("/api/keys", new { name = "doctor" }, Ct)).JsonAsync();
        var key = created.GetProperty("key").GetString()!;
        using var empty = new TempDirectory();

        var (exitCode, output, _) = await DoctorAsync(["--url", node.BaseAddress.ToString(), "--data-dir", empty.Path],
            new() { [NodeApiClient.ApiKeyVariable] = key });
        Assert.Equal(1, exitCode);
        Assert.Contains("[no_peers]", output, StringComparison.Ordinal);

        var (refusedCode, _, refused) = await DoctorAsync(["--url", node.BaseAddress.ToString(), "--api-key", "mm_wrong"]);
        Assert.Equal(2, refusedCode);
        Assert.Contains($"the node at {node.BaseAddress} refused the API key", refused, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_NoNodeThere_Exit2_SaysNothingListens()
    {
        var port = FreePort.Tcp();
        using var dir = new TempDirectory();

        var (exitCode, output, error) = await DoctorAsync(["--url", $"http://127.0.0.1:{port}", "--api-key", "mm_any"]);

        Assert.Equal(2, exitCode);
        Assert.Equal("", output);
        Assert.StartsWith($"meshmind: error: no node answers at http://127.0.0.1:{port}/ (nothing listens there); start one with meshmind run", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_DataDirectoryOfNoNode_Exit2_SaysHowToLogIn()
    {
        await using var node = await TestNode.StartAsync();
        using var empty = new TempDirectory();

        var (exitCode, _, error) = await DoctorAsync(["--url", node.BaseAddress.ToString(), "--data-dir", empty.Path]);

        Assert.Equal(2, exitCode);
        Assert.Contains("has no session.key", error, StringComparison.Ordinal);
        Assert.Contains("--api-key KEY", error, StringComparison.Ordinal);
    }
}
