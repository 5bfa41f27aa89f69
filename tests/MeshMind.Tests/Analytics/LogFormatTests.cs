using System.Text.Json;
using MeshMind.Tests.Support;

namespace MeshMind.Tests.Analytics;

/// <summary>Console logs of a real node process: one JSON object per line when asked, with no secret in them.</summary>
public sealed class LogFormatTests
{
    [Fact]
    public async Task JsonFormat_WritesEachLogEntryAsOneJsonObject()
    {
        using var dir = new TempDirectory();
        const string password = "json-logs-password";
        await using var node = NodeProcess.Start(dir.Path,
            ["--data-dir", dir.Combine("data"), "--http-port", "0", "--http-bind", "127.0.0.1", "--discovery", "off", "--name", "jsonlogs"],
            new Dictionary<string, string> { ["NODE_PASSWORD"] = password, ["MESHMIND__Telemetry__LogFormat"] = "json" });
        await node.WaitForListeningAsync(cancellationToken: TestContext.Current.CancellationToken);

        // Migrations log at start; wait for them rather than for a fixed time.
        await Wait.UntilAsync(() => node.Output.Contains("\"Category\":\"MeshMind.Storage.Database\"", StringComparison.Ordinal),
            TimeSpan.FromSeconds(20), "the database's log entries");

        var entries = node.Output.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith('{')).ToList();
        Assert.NotEmpty(entries);
        foreach (var entry in entries)
        {
            using var json = JsonDocument.Parse(entry);
            Assert.True(json.RootElement.TryGetProperty("Timestamp", out _), entry);
            Assert.True(json.RootElement.TryGetProperty("LogLevel", out _), entry);
            Assert.True(json.RootElement.TryGetProperty("Message", out _), entry);
        }

        Assert.Contains(entries, e => e.Contains("schema version", StringComparison.Ordinal));
        Assert.DoesNotContain(password, node.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadLogFormat_StopsTheNodeWithOneLineNamingTheSetting()
    {
        using var dir = new TempDirectory();
        var (exitCode, output) = await NodeProcess.RunToExitAsync(dir.Path,
            ["--data-dir", dir.Combine("data"), "--http-port", "0", "--discovery", "off"],
            new Dictionary<string, string> { ["MESHMIND__Telemetry__LogFormat"] = "xml" }, TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        Assert.Equal(2, exitCode);
        Assert.Contains("Telemetry:LogFormat", output, StringComparison.Ordinal);
    }
}
