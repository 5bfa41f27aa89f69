using System.Net;
using MeshMind.Bench.Files;
using MeshMind.Testing.Load;

namespace MeshMind.Bench.Chaos;

/// <summary>
/// Part B of <c>chaos load</c>: many idle connections held to one port (re-opened when the server closes them) while a
/// <see cref="UserProbe"/> uses the node; the count held is read every second, and the RSS of the process that holds the
/// port's other end before and after they opened.
/// </summary>
internal static class IdleHold
{
    public static async Task<IdleResult> RunAsync(string name, IPEndPoint port, int count, IReadOnlyList<IdleProfile> profiles, int serverProcessId,
        Func<int, IPAddress?>? localAddress, Func<CancellationToken, Task<UserProbe>> user, CancellationToken cancellationToken)
    {
        var rssBefore = RssSampler.ReadKb(serverProcessId);
        await using var idle = await IdleConnections.OpenAsync(port, count, profiles, reopen: true, cancellationToken, localAddress);
        var openedIn = idle.Elapsed;
        var heldAtStart = idle.Held;
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        var rssHeld = RssSampler.ReadKb(serverProcessId);
        var heldMin = int.MaxValue;
        var heldMax = 0;
        var rssEvery10s = new List<long>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var counting = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
            for (var second = 1; await timer.WaitForNextTickAsync(stop.Token); second++)
            {
                heldMin = Math.Min(heldMin, idle.Held);
                heldMax = Math.Max(heldMax, idle.Held);
                if (second % 10 == 0)
                {
                    rssEvery10s.Add(RssSampler.ReadKb(serverProcessId));
                }
            }
        }, stop.Token);
        var probe = await user(cancellationToken);
        await stop.CancelAsync();
        try
        {
            await counting;
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        var rssEnd = RssSampler.ReadKb(serverProcessId);
        return new IdleResult(name, count, openedIn, heldAtStart, heldMin, heldMax, idle.Opened, idle.Closures, idle.OpenFailures, idle.Elapsed,
            rssBefore, rssHeld, rssEnd, rssEvery10s, probe);
    }
}

/// <summary>What holding idle connections did: how many stayed open, which the server closed and when, the server's RSS, the user's latencies.</summary>
internal sealed record IdleResult(string Name, int Count, TimeSpan OpenedIn, int HeldAtStart, int HeldMin, int HeldMax, int Opened,
    IReadOnlyList<IdleClosure> Closures, IReadOnlyList<string> OpenFailures, TimeSpan Held, long RssBeforeKb, long RssHeldKb, long RssEndKb,
    IReadOnlyList<long> RssEvery10sKb, UserProbe User)
{
    /// <summary>Connections opened after the first <see cref="Count"/>: one for each closed by the server (or failed to open and retried).</summary>
    public int Reopened => Opened - Math.Min(Opened, Count);

    /// <summary>RSS growth of the server per idle connection held, kB (read a second after they opened).</summary>
    public double KbPerConnection => HeldAtStart == 0 ? double.NaN : (double)(RssHeldKb - RssBeforeKb) / HeldAtStart;
}
