using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using MeshMind.Tests.Support;

namespace MeshMind.Tests.Hosting;

/// <summary>The <c>meshmind</c> executable as a person runs it: real processes, real ports.</summary>
public sealed class CommandLineTests : IDisposable
{
    private const string Secret = "mesh-secret-for-tests-0123456789";
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Version_PrintsSemanticVersion()
    {
        var (exitCode, output) = await NodeProcess.RunToExitAsync(_dir.Path, ["--version"], cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(0, exitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+", output.Trim());
    }

    [Fact]
    public async Task Config_ShowsEffectiveValuesWithSecretsMasked()
    {
        var (exitCode, output) = await NodeProcess.RunToExitAsync(
            _dir.Path,
            ["config", "--http-port", "9191", "--peer", "10.1.2.3:7878", "--peer", "node-b:7000", "--discovery", "loopback"],
            new Dictionary<string, string> { ["P2P_HMAC_SECRET"] = Secret, ["NODE_PASSWORD"] = "a-configured-password", ["MESHMIND__Mesh__Port"] = "7979" }, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(0, exitCode);
        Assert.Contains("\"port\": 9191", output, StringComparison.Ordinal);
        Assert.Contains("\"port\": 7979", output, StringComparison.Ordinal);
        Assert.Contains("10.1.2.3:7878", output, StringComparison.Ordinal);
        Assert.Contains("node-b:7000", output, StringComparison.Ordinal);
        Assert.Contains("\"mode\": \"loopback\"", output, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, output, StringComparison.Ordinal);
        Assert.DoesNotContain("a-configured-password", output, StringComparison.Ordinal);
        Assert.Contains("\"secret\": \"***\"", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_dir.Path, "meshmind-data")), "config must not create the data directory");
    }

    [Fact]
    public async Task OpenApi_PrintsTheDocumentWithoutStartingANode()
    {
        var (exitCode, output) = await NodeProcess.RunToExitAsync(_dir.Path, ["openapi"], cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(0, exitCode);
        Assert.StartsWith("{", output.TrimStart(), StringComparison.Ordinal);
        Assert.Contains("\"openapi\": \"3.1", output, StringComparison.Ordinal);
        Assert.Contains("\"/api/chat\"", output, StringComparison.Ordinal);
        Assert.DoesNotContain("listening on", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_dir.Path, "meshmind-data")), "openapi must not create the data directory");
    }

    [Fact]
    public async Task OpenApi_Output_WritesTheFile()
    {
        var file = Path.Combine(_dir.Path, "api.json");

        var (exitCode, output) = await NodeProcess.RunToExitAsync(_dir.Path, ["openapi", "-o", file], cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(0, exitCode);
        Assert.Equal("", output.Trim());
        Assert.Contains("\"MeshMind node API\"", await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Config_InvalidValue_ExitCode2AndNamesSetting()
    {
        var (exitCode, output) = await NodeProcess.RunToExitAsync(_dir.Path, ["config"],
            new Dictionary<string, string> { ["MESHMIND__Discovery__Mode"] = "carrier-pigeon" }, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(2, exitCode);
        Assert.Contains("Discovery:Mode", output, StringComparison.Ordinal);
        Assert.Contains("--discovery", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_PortInUse_OneLineNamingHttpPort()
    {
        using var blocker = new TcpListener(IPAddress.Loopback, 0);
        blocker.Start();
        var port = ((IPEndPoint)blocker.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var (exitCode, output) = await NodeProcess.RunToExitAsync(_dir.Path,
            ["run", "--http-port", port, "--http-bind", "127.0.0.1", "--discovery", "off"],
            new Dictionary<string, string> { ["NODE_PASSWORD"] = "a-configured-password" }, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(2, exitCode);
        var errors = output.Split('\n').Where(l => l.StartsWith("meshmind: error:", StringComparison.Ordinal)).ToList();
        var error = Assert.Single(errors);
        Assert.Contains($"port {port}", error, StringComparison.Ordinal);
        Assert.Contains("already in use", error, StringComparison.Ordinal);
        Assert.Contains("--http-port", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("MESHMIND__Http__Port", "eighty", "Http:Port")]
    [InlineData("P2P_HMAC_SECRET", "short", "Mesh:Secret")]
    [InlineData("P2P_HMAC_SECRET", "     ", "Mesh:Secret")]
    [InlineData("MESHMIND__Llm__OllamaUrl", "not a url", "Llm:OllamaUrl")]
    [InlineData("NODE_PASSWORD", "          ", "Auth:Password")]
    public async Task Run_BadValue_RefusesToStartNamingTheSetting(string variable, string value, string key)
    {
        var environment = new Dictionary<string, string> { ["MESHMIND__Http__Port"] = "0", ["NODE_PASSWORD"] = "a-configured-password" };
        environment[variable] = value;

        var (exitCode, output) = await NodeProcess.RunToExitAsync(_dir.Path, ["run", "--http-bind", "127.0.0.1", "--discovery", "off"], environment, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(2, exitCode);
        Assert.Contains($"meshmind: error: {key}", output, StringComparison.Ordinal);
        Assert.DoesNotContain("listening on", output, StringComparison.Ordinal);
        // The error line says it all: no log entry with the host's stack trace beside it.
        Assert.DoesNotContain("Hosting failed to start", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        if (variable == "P2P_HMAC_SECRET" && value.Trim().Length > 0)
        {
            Assert.DoesNotContain($"'{value}'", output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Run_SecondNodeOnTheSameDataDir_RefusedInOneLineNamingTheDirectoryAndThePid()
    {
        string[] arguments = ["--http-port", "0", "--http-bind", "127.0.0.1", "--discovery", "off"];
        var environment = new Dictionary<string, string> { ["NODE_PASSWORD"] = "a-configured-password" };
        await using var first = NodeProcess.Start(_dir.Path, arguments, environment);
        await first.WaitForListeningAsync(cancellationToken: TestContext.Current.CancellationToken);

        var (exitCode, output) = await NodeProcess.RunToExitAsync(_dir.Path, ["run", .. arguments], environment, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(2, exitCode);
        var error = Assert.Single(output.Split('\n'), l => l.StartsWith("meshmind: error:", StringComparison.Ordinal));
        Assert.Contains(Path.Combine(_dir.Path, "meshmind-data"), error, StringComparison.Ordinal);
        Assert.Contains($"PID {first.ProcessId}", error, StringComparison.Ordinal);
        Assert.Contains("--data-dir", error, StringComparison.Ordinal);
        Assert.DoesNotContain("listening on", output, StringComparison.Ordinal);
        Assert.Null(first.ExitCode);
    }

    [Fact]
    public async Task Run_AfterTheHolderWasKilled_RestartsOnTheSameDataDir()
    {
        string[] arguments = ["--http-port", "0", "--http-bind", "127.0.0.1", "--discovery", "off"];
        var environment = new Dictionary<string, string> { ["NODE_PASSWORD"] = "a-configured-password" };
        await using (var killed = NodeProcess.Start(_dir.Path, arguments, environment))
        {
            await killed.WaitForListeningAsync(cancellationToken: TestContext.Current.CancellationToken);
            await killed.KillAsync();
        }

        Assert.True(File.Exists(Path.Combine(_dir.Path, "meshmind-data", "meshmind.lock")));
        await using var restarted = NodeProcess.Start(_dir.Path, arguments, environment);
        var address = await restarted.WaitForListeningAsync(cancellationToken: TestContext.Current.CancellationToken);

        using var client = new HttpClient { BaseAddress = address };
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz", TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task Run_FreshDirectory_CreatesDataDirAndServes_ThenStopsCleanlyOnSigterm()
    {
        await using var node = NodeProcess.Start(_dir.Path, ["--http-port", "0", "--http-bind", "127.0.0.1", "--discovery", "off", "--name", "proc-node"]);
        var address = await node.WaitForListeningAsync(cancellationToken: TestContext.Current.CancellationToken);

        using var client = new HttpClient { BaseAddress = address };
        var health = await client.GetAsync("/healthz", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.True(File.Exists(Path.Combine(_dir.Path, "meshmind-data", "meshmind.db")));
        Assert.True(File.Exists(Path.Combine(_dir.Path, "meshmind-data", "node.pfx")));
        Assert.Contains("with password: ", node.Output, StringComparison.Ordinal);
        Assert.Contains("'proc-node'", node.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Password_FromStandardInput_NewPasswordWorks_OldOneAndItsSessionsEnd()
    {
        var ct = TestContext.Current.CancellationToken;
        var data = Path.Combine(_dir.Path, "data");
        await using var node = NodeProcess.Start(_dir.Path, ["--data-dir", data, "--http-port", "0", "--http-bind", "127.0.0.1", "--discovery", "off"],
            new Dictionary<string, string> { ["P2P_HMAC_SECRET"] = Secret });
        var address = await node.WaitForListeningAsync(cancellationToken: ct);
        var line = node.Output.Split('\n').Single(l => l.Contains("with password: ", StringComparison.Ordinal));
        var generated = line[(line.IndexOf("with password: ", StringComparison.Ordinal) + "with password: ".Length)..].Trim();
        using var session = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = address };
        Assert.Equal(HttpStatusCode.OK, (await session.PostAsJsonAsync("/api/auth/login", new { username = "admin", password = generated }, ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync("/api/status", ct)).StatusCode);

        await using var command = NodeProcess.Start(_dir.Path, ["password", "--data-dir", data]);
        await command.WriteInputAndCloseAsync("a brand new password\n", ct);
        await command.WaitForExitAsync(TimeSpan.FromSeconds(60), ct);

        Assert.True(command.ExitCode == 0, command.Output);
        Assert.DoesNotContain("a brand new password", command.Output, StringComparison.Ordinal);
        await Wait.UntilAsync(async () => (await session.GetAsync("/api/status", ct)).StatusCode == HttpStatusCode.Unauthorized,
            TimeSpan.FromSeconds(30), "the running node to end the session made before the change");
        using var client = new HttpClient { BaseAddress = address };
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/api/auth/login", new { username = "admin", password = generated }, ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/auth/login", new { username = "admin", password = "a brand new password" }, ct)).StatusCode);
    }

    [Fact]
    public async Task Password_Generate_PrintsIt_NotADataDirectory_Refused()
    {
        var ct = TestContext.Current.CancellationToken;
        var (missingCode, missingOutput) = await NodeProcess.RunToExitAsync(_dir.Path, ["password", "--generate", "--data-dir", Path.Combine(_dir.Path, "nothing")], cancellationToken: ct);
        Assert.Equal(2, missingCode);
        Assert.Contains("not a MeshMind data directory", missingOutput, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_dir.Path, "nothing")), "a wrong --data-dir must not be created");

        var data = Path.Combine(_dir.Path, "data");
        await using (var node = NodeProcess.Start(_dir.Path, ["--data-dir", data, "--http-port", "0", "--http-bind", "127.0.0.1", "--discovery", "off"],
            new Dictionary<string, string> { ["P2P_HMAC_SECRET"] = Secret }))
        {
            await node.WaitForListeningAsync(cancellationToken: ct);
        }

        var (code, output) = await NodeProcess.RunToExitAsync(_dir.Path, ["password", "--generate", "--data-dir", data], cancellationToken: ct);
        Assert.Equal(0, code);
        Assert.Matches(@"new password for user 'admin': [a-zA-Z0-9]{20}", output);
    }
}
