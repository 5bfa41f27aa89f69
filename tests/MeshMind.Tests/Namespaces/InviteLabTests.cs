using System.Diagnostics;
using System.Text.Json;
using MeshMind.Tests.Support;

namespace MeshMind.Tests.Namespaces;

/// <summary>
/// Invites and rotation between real processes in network namespaces (issue 15): nodes keep their secrets in their own
/// <c>p2p_secret.txt</c> (no P2P_HMAC_SECRET), as a person's would, and get them by invite or by rotation.
/// </summary>
[Collection(nameof(NamespaceLabs))]
public sealed class InviteLabTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static void Report(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);

    private static async Task<(string Code, DateTimeOffset ExpiresAt)> InviteAsync(LabNode node)
    {
        var response = await node.PostJsonAsync("/api/invites", "{}", TimeSpan.FromSeconds(10), cancellationToken: Ct);
        Assert.True(response.Status == 201, $"POST /api/invites answered {response.Status}: {response.Body}");
        using var json = JsonDocument.Parse(response.Body);
        return (json.RootElement.GetProperty("code").GetString()!, json.RootElement.GetProperty("expires_at").GetDateTimeOffset());
    }

    /// <summary>When the node's log first said a link came up, at or after <paramref name="since"/> (<see cref="Stopwatch"/> ticks).</summary>
    private static long? LinkedAt(LabNode node, long since) =>
        node.OutputLines.Where(l => l.Timestamp >= since && l.Line.Contains("is up (dialled by", StringComparison.Ordinal))
            .Select(l => (long?)l.Timestamp).FirstOrDefault();

    [Fact]
    public async Task FreshNode_OnAnotherSubnet_JoinsByInvite_ThenItsFirstStartLinks()
    {
        await using var lab = await Labs.CreateAsync();
        var left = await lab.AddSwitchAsync(21);
        var right = await lab.AddSwitchAsync(22);
        await lab.AddRouterAsync(left, right);
        var inviter = await lab.StartNodeAsync(await lab.AddHostAsync(left, 10, gateway: "10.213.21.1"), "inviter", secret: null, cancellationToken: Ct);
        var fresh = lab.AddNode(await lab.AddHostAsync(right, 10, gateway: "10.213.22.1"), "fresh", secret: null);
        var (code, _) = await InviteAsync(inviter);

        var started = Stopwatch.GetTimestamp();
        var (exit, output) = await fresh.RunCommandAsync(["join", code], Ct);
        var joined = Stopwatch.GetElapsedTime(started);
        Assert.True(exit == 0, output);
        Assert.Equal(inviter.SecretFileLines(), fresh.SecretFileLines());
        await fresh.StartAsync(Ct);

        await Wait.UntilAsync(() => Labs.LinkedAsync(fresh, [inviter]), Labs.Timeout, "the joined node to link to its inviter across the router");
        await Wait.UntilAsync(() => Labs.LinkedAsync(inviter, [fresh]), Labs.Timeout, "the inviter to list the joined node as linked");
        var linkedAt = LinkedAt(fresh, started);
        Assert.NotNull(linkedAt);
        Report($"meshmind join (its own process, across a router): {joined.TotalMilliseconds:F0} ms; from join to linked, "
            + $"with the node's first start in between: {Stopwatch.GetElapsedTime(started, linkedAt.Value).TotalMilliseconds:F0} ms; "
            + $"from that start to linked: {Stopwatch.GetElapsedTime(fresh.StartedAt, linkedAt.Value).TotalMilliseconds:F0} ms");
    }

    [Fact]
    public async Task RunningFreshNode_JoinsFromItsApi_LinkedWithoutARestart()
    {
        await using var lab = await Labs.CreateAsync();
        var network = await lab.AddSwitchAsync(23);
        var inviter = await lab.StartNodeAsync(await lab.AddHostAsync(network, 10), "inviter", secret: null, cancellationToken: Ct);
        var fresh = await lab.StartNodeAsync(await lab.AddHostAsync(network, 11), "fresh", secret: null, cancellationToken: Ct);
        var (code, _) = await InviteAsync(inviter);
        Assert.NotEqual(inviter.SecretFileLines(), fresh.SecretFileLines());
        var pid = fresh.ProcessId;

        var started = Stopwatch.GetTimestamp();
        var joined = await fresh.PostJsonAsync("/api/mesh/join", JsonSerializer.Serialize(new { code }), TimeSpan.FromSeconds(20), cancellationToken: Ct);
        var answered = Stopwatch.GetElapsedTime(started);

        Assert.True(joined.Status == 200, $"POST /api/mesh/join answered {joined.Status}: {joined.Body}");
        await Wait.UntilAsync(() => Labs.LinkedAsync(fresh, [inviter]), Labs.Timeout, "the joined node to link to its inviter");
        await Wait.UntilAsync(() => Labs.LinkedAsync(inviter, [fresh]), Labs.Timeout, "the inviter to list the joined node as linked");
        Assert.Equal(pid, fresh.ProcessId);
        Assert.Equal(inviter.SecretFileLines(), fresh.SecretFileLines());
        var linkedAt = LinkedAt(fresh, started);
        Assert.NotNull(linkedAt);
        Report($"POST /api/mesh/join answered in {answered.TotalMilliseconds:F0} ms; from the request to linked: "
            + $"{Stopwatch.GetElapsedTime(started, linkedAt.Value).TotalMilliseconds:F0} ms (no restart)");
    }

    [Fact]
    public async Task ReplayedOrExpiredCode_Refused_EachWithItsOwnReason()
    {
        await using var lab = await Labs.CreateAsync();
        var network = await lab.AddSwitchAsync(24);
        var inviter = await lab.StartNodeAsync(await lab.AddHostAsync(network, 10), "inviter", secret: null,
            environment: new Dictionary<string, string> { ["MESHMIND__Mesh__InviteLifetime"] = "00:00:08" }, cancellationToken: Ct);
        var first = lab.AddNode(await lab.AddHostAsync(network, 11), "first", secret: null);
        var replayer = lab.AddNode(await lab.AddHostAsync(network, 12), "replayer", secret: null);
        var late = lab.AddNode(await lab.AddHostAsync(network, 13), "late", secret: null);
        var (used, _) = await InviteAsync(inviter);
        var (expiring, expiresAt) = await InviteAsync(inviter);

        var (firstExit, firstOutput) = await first.RunCommandAsync(["join", used], Ct);
        Assert.True(firstExit == 0, firstOutput);
        var (replayExit, replayOutput) = await replayer.RunCommandAsync(["join", used], Ct);
        Assert.Equal(2, replayExit);
        Assert.Contains("already used", replayOutput, StringComparison.Ordinal);
        Assert.Empty(replayer.SecretFileLines());

        await Wait.UntilAsync(() => DateTimeOffset.UtcNow > expiresAt, TimeSpan.FromSeconds(30), "the second invite to expire");
        var (lateExit, lateOutput) = await late.RunCommandAsync(["join", expiring], Ct);
        Assert.Equal(2, lateExit);
        Assert.Contains("expired", lateOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("already used", lateOutput, StringComparison.Ordinal);
        Assert.Empty(late.SecretFileLines());
    }

    [Fact]
    public async Task Rotation_NodeThatMissedIt_OutWhenTheGracePeriodEnds_OthersStayLinked()
    {
        await using var lab = await Labs.CreateAsync();
        var network = await lab.AddSwitchAsync(25);
        var environment = new Dictionary<string, string>
        {
            ["MESHMIND__Mesh__SecretGracePeriod"] = "00:00:08",
            ["MESHMIND__Mesh__PingInterval"] = "00:00:00.500",
        };
        var nodes = new List<LabNode>();
        foreach (var (number, name) in new[] { (10, "rotator"), (11, "told"), (12, "missed") })
        {
            var node = lab.AddNode(await lab.AddHostAsync(network, number), name, secret: null, environment: environment);
            var data = Directory.CreateDirectory(Path.Combine(node.Directory, "meshmind-data")).FullName;
            await File.WriteAllTextAsync(Path.Combine(data, "p2p_secret.txt"), "lab-rotation-first-secret-0123456789\n", Ct);
            nodes.Add(node);
        }

        var (rotator, told, missed) = (nodes[0], nodes[1], nodes[2]);
        foreach (var node in nodes)
        {
            await node.StartAsync(Ct);
        }

        await Labs.WaitForFullMeshAsync(nodes);
        await missed.KillAsync();
        // Missed means not linked when the secret rotates (a peer still linked then is owed the rotation and gets it later).
        await Wait.UntilAsync(async () => await Labs.DroppedAsync(rotator, missed), Labs.Timeout, "the rotator to see the killed node go");

        var (exit, output) = await rotator.RunCommandAsync(["secret", "rotate"], Ct);
        Assert.True(exit == 0, output);
        var rotatedAt = Stopwatch.GetTimestamp();
        await Wait.UntilAsync(() => Task.FromResult(told.SecretFileLines().Count == 2 && told.SecretFileLines()[0] == rotator.SecretFileLines()[0]), Labs.Timeout,
            "the linked peer to be sent the new secret",
            // Failed once in a clean-clone CI run (not reproduced in three runs): what each side said then.
            () => Task.FromResult($"rotate said: {output.Trim()}\ntold has {told.SecretFileLines().Count} secret(s)\n"
                + $"rotator's log (end):\n{Tail(rotator.Output)}\ntold's log (end):\n{Tail(told.Output)}"));
        await missed.StartAsync(Ct);
        Assert.Single(missed.SecretFileLines());
        await Labs.WaitForFullMeshAsync(nodes); // the old secret is still accepted

        await Wait.UntilAsync(async () => await Labs.DroppedAsync(rotator, missed) && await Labs.DroppedAsync(told, missed), Labs.Timeout,
            "the node that missed the rotation to be out when the grace period ends");
        Report($"the missed node's links closed {Stopwatch.GetElapsedTime(rotatedAt).TotalSeconds:F1} s after the rotation (grace period 8 s)");
        Assert.True(await Labs.LinkedAsync(rotator, [told]) && await Labs.LinkedAsync(told, [rotator]), "the nodes that got the new secret lost their link");
        Assert.Single(rotator.SecretFileLines());
        Assert.Single(told.SecretFileLines());

        // It stays out: dials between it and the others are refused (one side or the other logs why), and it never links again.
        int Refusals() => nodes.Sum(n => n.Output.Split('\n').Count(l => l.Contains("Refused to admit a node", StringComparison.Ordinal)));
        var refusals = Refusals();
        await Wait.UntilAsync(() => Refusals() > refusals + 1, Labs.Timeout, "dials between the missed node and the others to be refused");
        Assert.True(await Labs.DroppedAsync(rotator, missed));
        Assert.True(await Labs.DroppedAsync(told, missed));
    }

    [Fact]
    public async Task Rotation_SentWhileThePeersCableWasOut_SentAgainWhenItLinksBack_ItStaysIn()
    {
        await using var lab = await Labs.CreateAsync();
        var network = await lab.AddSwitchAsync(29);
        var environment = new Dictionary<string, string>
        {
            ["MESHMIND__Mesh__SecretGracePeriod"] = "00:00:40",
            // Slow enough pings that the rotation is sent on the link before either side has given it up.
            ["MESHMIND__Mesh__PingInterval"] = "00:00:02",
        };
        var nodes = new List<LabNode>();
        foreach (var (number, name) in new[] { (10, "rotator"), (11, "cut") })
        {
            var node = lab.AddNode(await lab.AddHostAsync(network, number), name, secret: null, environment: environment);
            var data = Directory.CreateDirectory(Path.Combine(node.Directory, "meshmind-data")).FullName;
            await File.WriteAllTextAsync(Path.Combine(data, "p2p_secret.txt"), "lab-rotation-first-secret-0123456789\n", Ct);
            await node.StartAsync(Ct);
            nodes.Add(node);
        }

        var (rotator, cut) = (nodes[0], nodes[1]);
        await Labs.WaitForFullMeshAsync(nodes);

        await NamespaceLab.SetLinkAsync(cut.Host, up: false);
        var (exit, output) = await rotator.RunCommandAsync(["secret", "rotate"], Ct);
        Assert.True(exit == 0, output);
        Assert.Contains("1 linked peer", output, StringComparison.Ordinal);
        // Both sides give the link up while the cable is out, so the message sent on it is lost with it.
        await Wait.UntilAsync(async () => await Labs.DroppedAsync(rotator, cut) && await Labs.DroppedAsync(cut, rotator), Labs.Timeout,
            "both sides to give the link up");
        Assert.Single(cut.SecretFileLines());

        await NamespaceLab.SetLinkAsync(cut.Host, up: true);
        await Labs.WaitForFullMeshAsync(nodes);
        await Wait.UntilAsync(() => Task.FromResult(cut.SecretFileLines() is [var first, _] && first == rotator.SecretFileLines()[0]), Labs.Timeout,
            "the rotation to be sent again when the peer linked back",
            () => Task.FromResult($"cut has {cut.SecretFileLines().Count} secret(s)\nrotator's log (end):\n{Tail(rotator.Output)}"));
        Assert.Contains(rotator.OutputLines, l => l.Line.Contains("Sent the mesh secret rotation again", StringComparison.Ordinal));

        // When the grace period ends both keep only the new secret, and their link.
        await Wait.UntilAsync(() => Task.FromResult(rotator.SecretFileLines().Count == 1 && cut.SecretFileLines().Count == 1), Labs.Timeout,
            "the grace period to end");
        Assert.Equal(rotator.SecretFileLines(), cut.SecretFileLines());
        await Labs.WaitForFullMeshAsync(nodes);
    }

    private static string Tail(string log) => string.Join('\n', log.Split('\n').TakeLast(40));
}
