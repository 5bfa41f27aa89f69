using System.Globalization;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using MeshMind.Tests.Support;

namespace MeshMind.Tests.Hosting.Service;

/// <summary>
/// The node speaks systemd's notify protocol (<c>Type=notify</c>): a real node process, started as systemd starts a service,
/// sends <c>READY=1</c> to <c>NOTIFY_SOCKET</c> once it serves, and <c>STOPPING=1</c> when it is told to stop.
/// </summary>
/// <remarks>
/// The hosting library notifies only when it sees a service manager: its parent is <c>systemd</c>, or it is PID 1 with
/// <c>NOTIFY_SOCKET</c> set (a container). The test takes the second way: <c>unshare --pid --fork</c> makes the node PID 1 of
/// a new PID namespace, with nothing else changed (same network, same files).
/// </remarks>
public sealed class SystemdNotifyTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Node_UnderAServiceManager_SendsReadyOnceServingAndStoppingOnSigterm()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("Skipped: systemd's notify protocol exists on Linux only.");
        }

        var ct = TestContext.Current.CancellationToken;
        // unshare --pid needs root, or a user namespace in which this user is root.
        string[] launcher = Environment.UserName == "root"
            ? ["unshare", "--pid", "--fork", "--kill-child"]
            : ["unshare", "--user", "--map-root-user", "--pid", "--fork", "--kill-child"];
        var (probe, _, probeError) = await Command.RunAsync(launcher[0], [.. launcher[1..], "true"], ct);
        if (probe != 0)
        {
            if (Environment.GetEnvironmentVariable("MESHMIND_REQUIRE_NETNS") == "1")
            {
                Assert.Fail($"unshare --pid is required here but does not work: {probeError.Trim()}");
            }

            Assert.Skip($"Skipped: unshare --pid does not work here ({probeError.Trim()}).");
        }

        var socketPath = _dir.Combine("notify.sock");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(socketPath));

        await using var node = NodeProcess.Start(NodeProcess.DefaultAssembly, _dir.Path,
            ["run", "--data-dir", _dir.Combine("data"), "--http-port", "0", "--http-bind", "127.0.0.1", "--discovery", "off"],
            new Dictionary<string, string> { ["NOTIFY_SOCKET"] = socketPath }, launcher, isolateMesh: true);

        var ready = await ReceiveAsync(socket, ct);
        Assert.Equal("READY=1", ready);
        // Ready means serving: the listening line is out and HTTP answers.
        var url = await node.WaitForListeningAsync(cancellationToken: ct);
        using var http = new HttpClient();
        Assert.Equal("ok", (await http.GetFromJsonAsync<Health>(new Uri(url, "/healthz"), ct))?.Status);

        var pid = NodePid(node.ProcessId);
        await Command.RunAsync("kill", ["-TERM", pid.ToString(CultureInfo.InvariantCulture)], ct);
        Assert.Equal("STOPPING=1", await ReceiveAsync(socket, ct));
        await node.WaitForExitAsync(TimeSpan.FromSeconds(30), ct);
        Assert.Equal(0, node.ExitCode);
    }

    private static async Task<string> ReceiveAsync(Socket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        var received = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        return Encoding.UTF8.GetString(buffer, 0, received).Trim();
    }

    /// <summary>The node's process id as this namespace sees it: the one child of unshare.</summary>
    private static int NodePid(int launcherPid)
    {
        var children = File.ReadAllText($"/proc/{launcherPid}/task/{launcherPid}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return int.Parse(Assert.Single(children), CultureInfo.InvariantCulture);
    }

    private sealed record Health(string Status);
}
