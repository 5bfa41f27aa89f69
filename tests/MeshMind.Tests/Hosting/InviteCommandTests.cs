using System.Diagnostics;
using System.Globalization;
using MeshMind.Mesh.Admission;
using MeshMind.Mesh.Invites;
using MeshMind.Tests.Support;

namespace MeshMind.Tests.Hosting;

/// <summary>
/// <c>meshmind invite</c>, <c>meshmind join</c> and <c>meshmind secret rotate</c> as a person runs them: real processes on loopback,
/// each node in its own working directory with its data in <c>./meshmind-data</c> (the default) and discovery off, so the joined
/// node can only find the inviter through what the join stored.
/// </summary>
public sealed class InviteCommandTests : IDisposable
{
    private const string Password = "invite-command-password";
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly Dictionary<string, string> s_environment = new() { ["NODE_PASSWORD"] = Password };

    private string WorkingDirectory(string name) => Directory.CreateDirectory(_dir.Combine(name)).FullName;

    /// <summary>A node on a fixed HTTP port, so commands run in its working directory find it the way a person's would.</summary>
    private (NodeProcess Node, string[] Flags) Start(string name)
    {
        string[] flags = ["--http-port", FreePort.Tcp().ToString(CultureInfo.InvariantCulture), "--http-bind", "127.0.0.1", "--discovery", "off"];
        return (NodeProcess.Start(WorkingDirectory(name), ["run", "--name", name, .. flags], s_environment), flags);
    }

    private Task<(int ExitCode, string Output)> RunAsync(string name, params string[] arguments) =>
        NodeProcess.RunToExitAsync(WorkingDirectory(name), arguments, s_environment, cancellationToken: Ct);

    private string SecretOf(string name) => File.ReadAllLines(Path.Combine(_dir.Combine(name), "meshmind-data", MeshKeys.SecretFileName))[0];

    [Fact]
    public async Task Invite_Join_Run_TheNewNodeLinksToTheInviter()
    {
        var (alpha, flags) = Start("alpha");
        await using var _ = alpha;
        await alpha.WaitForListeningAsync(cancellationToken: Ct);

        var (inviteExit, inviteOutput) = await RunAsync("alpha", ["invite", .. flags[..2]]);

        Assert.True(inviteExit == 0, inviteOutput);
        var code = inviteOutput.TrimEnd().Split('\n')[^1].Trim();
        Assert.Equal(16, InviteCode.Parse(code).Token.Length);

        var clock = Stopwatch.StartNew();
        var (joinExit, joinOutput) = await RunAsync("bravo", "join", code);
        var joined = clock.Elapsed;
        Assert.True(joinExit == 0, joinOutput);
        Assert.Contains("joined the mesh of 'alpha'", joinOutput, StringComparison.Ordinal);
        Assert.Equal(SecretOf("alpha"), SecretOf("bravo"));

        var (bravo, _) = Start("bravo");
        await using var __ = bravo;
        await Poll.UntilAsync(() => bravo.Output.Contains("Linked to 'alpha'", StringComparison.Ordinal), TimeSpan.FromSeconds(30),
            "bravo to link to alpha", Ct);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"meshmind join: {joined.TotalMilliseconds:F0} ms; join started to linked (join, then a node started): {clock.Elapsed.TotalMilliseconds:F0} ms");

        var (replayExit, replayOutput) = await RunAsync("charlie", "join", code);
        Assert.Equal(2, replayExit);
        Assert.Contains("already used", replayOutput, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir.Combine("charlie"), "meshmind-data", MeshKeys.SecretFileName)));
    }

    [Fact]
    public async Task Join_WhileANodeRunsOnTheDirectory_Refused_InviteNotSpent()
    {
        var (alpha, alphaFlags) = Start("alpha");
        var (bravo, _) = Start("bravo");
        await using var a = alpha;
        await using var b = bravo;
        await alpha.WaitForListeningAsync(cancellationToken: Ct);
        await bravo.WaitForListeningAsync(cancellationToken: Ct);
        var (_, inviteOutput) = await RunAsync("alpha", ["invite", .. alphaFlags[..2]]);
        var code = inviteOutput.TrimEnd().Split('\n')[^1].Trim();

        var (exit, output) = await RunAsync("bravo", "join", code);

        Assert.Equal(2, exit);
        Assert.Contains("in use by another meshmind process", output, StringComparison.Ordinal);
        Assert.Contains("Join a mesh", output, StringComparison.Ordinal);
        var (retry, retryOutput) = await RunAsync("charlie", "join", code);
        Assert.True(retry == 0, retryOutput);
    }

    [Fact]
    public async Task Join_Typo_Exit2_NothingWritten()
    {
        var (exit, output) = await RunAsync("bravo", "join", new string('A', 112));

        Assert.Equal(2, exit);
        Assert.Contains("typo", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_dir.Combine("bravo"), "meshmind-data")));
    }

    [Fact]
    public async Task Invite_NoNodeRunning_Exit2_SaysSo()
    {
        var (exit, output) = await RunAsync("alpha", "invite", "--url", $"http://127.0.0.1:{FreePort.Tcp().ToString(CultureInfo.InvariantCulture)}", "--api-key", "mm_x");

        Assert.Equal(2, exit);
        Assert.Contains("no node answers", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecretRotate_ARunningNode_RotatesItsFile()
    {
        var (alpha, flags) = Start("alpha");
        await using var _ = alpha;
        await alpha.WaitForListeningAsync(cancellationToken: Ct);
        var before = SecretOf("alpha");

        var (exit, output) = await RunAsync("alpha", ["secret", "rotate", .. flags[..2]]);

        Assert.True(exit == 0, output);
        Assert.Contains("rotated", output, StringComparison.Ordinal);
        var lines = File.ReadAllLines(Path.Combine(_dir.Combine("alpha"), "meshmind-data", MeshKeys.SecretFileName));
        Assert.Equal(2, lines.Length);
        Assert.Equal(before, lines[1]);
    }
}
