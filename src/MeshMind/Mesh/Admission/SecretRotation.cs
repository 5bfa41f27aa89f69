using System.Threading.Channels;
using MeshMind.Infrastructure;
using MeshMind.Mesh.Links;
using MeshMind.Node;
using Microsoft.Extensions.Options;

namespace MeshMind.Mesh.Admission;

/// <summary>
/// Changes the mesh secret while nodes run (issue 15). <see cref="RotateAsync"/> makes a new secret current, sends it over every
/// link (<see cref="SecretRotationMessage"/>), and keeps accepting the ones before it for <see cref="MeshOptions.SecretGracePeriod"/>;
/// then they are dropped on every node that was sent it, at the same moment, and a node that was not sent it is out (DESIGN §10:
/// every new connection proves a secret in force). The schedule is kept in the database, so a restart keeps it.
/// </summary>
/// <remarks>
/// <para>A link outlives a change of secrets only if its peer has proven, over the link, a secret this node still accepts
/// (<see cref="SecretProofMessage"/>, sent when a link comes up and after every change of the current secret, and answered once).
/// So when the old secret is dropped, links to nodes that received the new one stay up, and links to those that did not close.</para>
/// <para>A rotation is sent only to this node's own links, not passed on: a node revoked here but still linked to others must not
/// receive it from them. A node that was offline needs a new invite, or the file. Two rotations at once settle on the later one.</para>
/// <para>A peer it was sent to stays owed it until it proves the new secret: if its link went before the message arrived (a
/// pulled cable, a link being replaced), the rotation is sent again when it links back during the grace period. Only the peers
/// linked when the secret rotated are owed it, and only in this process (a restart of the rotating node forgets who was owed).</para>
/// </remarks>
internal sealed partial class SecretRotation(
    MeshKeys keys, MeshLinks links, SecretScheduleStore store, NodeInfo node, IOptions<MeshOptions> options, TimeProvider time,
    ILogger<SecretRotation> logger) : BackgroundService, IMeshParticipant
{
    private const int MaxSecretLength = 512;
    private const int MaxRotationsPerMinute = 4;
    private readonly Dictionary<string, HashSet<MeshKeySet>> _proven = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SecretRotationMessage> _owed = new(StringComparer.Ordinal);
    private readonly Channel<(string From, SecretRotationMessage Message)> _received =
        Channel.CreateBounded<(string, SecretRotationMessage)>(new BoundedChannelOptions(16) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, RateWindow> _rates = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly WakeSignal _wake = new();
    private DateTimeOffset _currentSince = DateTimeOffset.UnixEpoch;
    private DateTimeOffset? _dropAt;
    private HashSet<string> _scheduled = new(StringComparer.Ordinal);

    /// <summary>When the previous secrets stop being accepted, while a rotation's grace period runs.</summary>
    public DateTimeOffset? PreviousAcceptedUntil => _dropAt;

    /// <summary>When the current secret became current (for a redeemed invite to pass on).</summary>
    public DateTimeOffset CurrentSince => _currentSince;

    /// <summary>Reads the schedule kept in the database and drops what is overdue; runs at start, before the mesh port opens.</summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var rows = await store.LoadAsync(cancellationToken);
        var all = keys.All;
        _currentSince = rows.TryGetValue(all[0].Id, out var current) ? current.Since : DateTimeOffset.UnixEpoch;
        _scheduled = [.. all.Skip(1).Where(k => rows.TryGetValue(k.Id, out var row) && row.DropAt is not null).Select(k => k.Id)];
        _dropAt = _scheduled.Count == 0 ? null : all.Skip(1).Where(k => _scheduled.Contains(k.Id)).Max(k => rows[k.Id].DropAt);
        if (_dropAt <= time.GetUtcNow())
        {
            await DropPreviousAsync(cancellationToken);
        }
    }

    /// <summary>Makes a new random secret current, sends it to every linked peer, and schedules the end of the ones before it.</summary>
    /// <exception cref="SecretNotWritableException">The secret is configured where this node does not write.</exception>
    public async Task<SecretRotationResult> RotateAsync(CancellationToken cancellationToken)
    {
        if (keys.SecretFile is null)
        {
            throw new SecretNotWritableException(keys.NotWritableReason!);
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            // Whole milliseconds, as the schedule and the link message keep them.
            var now = DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds());
            var dropAt = now + options.Value.SecretGracePeriod;
            var secret = MeshKeys.NewSecret();
            await InstallAsync([secret, .. keys.Secrets], now, dropAt, [.. keys.All.Select(k => k.Id)], cancellationToken);
            var message = new SecretRotationMessage(secret, now.ToUnixTimeMilliseconds(), dropAt.ToUnixTimeMilliseconds());
            var sent = 0;
            foreach (var link in links.All())
            {
                lock (_proven)
                {
                    _owed[link.RemoteNodeId] = message;
                }

                link.Send(message);
                sent++;
            }

            LogRotated(sent, dropAt);
            return new SecretRotationResult(now, dropAt, sent);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Makes <paramref name="secret"/> the only accepted secret (a joined mesh's, <paramref name="since"/> when it became current
    /// there): every link to the old mesh closes, and nothing of its secrets stays.
    /// </summary>
    public async Task ReplaceAsync(string secret, DateTimeOffset since, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await InstallAsync([secret], since, dropAt: null, scheduled: [], cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void LinkUp(string nodeId)
    {
        SecretRotationMessage? owed;
        lock (_proven)
        {
            _proven[nodeId] = [];
            _owed.TryGetValue(nodeId, out owed);
        }

        links.Send(nodeId, Proof(keys.Current, nodeId, reply: true));
        if (owed is not null && _dropAt > time.GetUtcNow())
        {
            // Sent to this peer when it was linked, but not yet confirmed (the link went before the message arrived).
            LogResent(nodeId[..12]);
            links.Send(nodeId, owed);
        }
    }

    public void LinkDown(string nodeId)
    {
        lock (_proven)
        {
            _proven.Remove(nodeId);
        }
    }

    public void Received(string nodeId, LinkMessage message)
    {
        switch (message)
        {
            case SecretProofMessage proof:
                OnProof(nodeId, proof);
                break;
            case SecretRotationMessage rotation when _rates.GetOrAdd(nodeId, _ => new RateWindow(MaxRotationsPerMinute, TimeSpan.FromMinutes(1), time)).TryTake():
                // Applying writes a file and the database: not on the link's read loop.
                if (_received.Writer.TryWrite((nodeId, rotation)))
                {
                    _wake.Set();
                }

                break;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                while (_received.Reader.TryRead(out var received))
                {
                    await ApplyAsync(received.From, received.Message, stoppingToken);
                }

                var untilDrop = _dropAt is { } at ? at - time.GetUtcNow() : TimeSpan.FromHours(1);
                if (untilDrop <= TimeSpan.Zero)
                {
                    await _gate.WaitAsync(stoppingToken);
                    try
                    {
                        await DropPreviousAsync(stoppingToken);
                    }
                    finally
                    {
                        _gate.Release();
                    }

                    continue;
                }

                await _wake.WaitAsync(untilDrop < TimeSpan.FromHours(1) ? untilDrop : TimeSpan.FromHours(1), time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    public override void Dispose()
    {
        _wake.Dispose();
        _gate.Dispose();
        base.Dispose();
    }

    private async Task ApplyAsync(string from, SecretRotationMessage message, CancellationToken cancellationToken)
    {
        var secret = message.Secret;
        if (secret.Length is < MeshOptions.MinimumSecretLength or > MaxSecretLength || string.IsNullOrWhiteSpace(secret)
            || secret.Any(char.IsControl) || secret.Trim().Length != secret.Length)
        {
            LogIgnoredRotation(from[..12], "the secret is malformed");
            return;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (keys.Secrets.Contains(secret, StringComparer.Ordinal))
            {
                return; // already have it (a repeated message, or one this node made)
            }

            var now = time.GetUtcNow();
            var since = DateTimeOffset.FromUnixTimeMilliseconds(Math.Clamp(message.Since, 0, now.AddDays(1).ToUnixTimeMilliseconds()));
            var dropAt = DateTimeOffset.FromUnixTimeMilliseconds(Math.Clamp(message.DropAt, now.ToUnixTimeMilliseconds(), now.AddDays(365).ToUnixTimeMilliseconds()));
            if (_dropAt > dropAt)
            {
                dropAt = _dropAt.Value; // never drop a secret sooner than promised
            }

            // Two rotations at once: the later one becomes current everywhere, the other is kept until the grace period ends.
            var newer = since > _currentSince || (since == _currentSince && string.CompareOrdinal(MeshKeys.Derive(secret).Id, keys.Current.Id) > 0);
            var ids = keys.All.Select(k => k.Id).ToList();
            if (newer)
            {
                await InstallAsync([secret, .. keys.Secrets], since, dropAt, [.. ids], cancellationToken);
            }
            else
            {
                await InstallAsync([keys.Secrets[0], secret, .. keys.Secrets.Skip(1)], _currentSince, dropAt,
                    [.. ids.Skip(1), MeshKeys.Derive(secret).Id], cancellationToken);
            }

            if (keys.SecretFile is null)
            {
                LogNotKept(from[..12]);
            }

            LogReceived(from[..12], dropAt);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task DropPreviousAsync(CancellationToken cancellationToken)
    {
        var all = keys.All;
        var kept = keys.Secrets.Where((_, i) => i == 0 || !_scheduled.Contains(all[i].Id)).ToList();
        LogDropping(all.Count - kept.Count);
        await InstallAsync(kept, _currentSince, dropAt: null, scheduled: [], cancellationToken);
    }

    /// <summary>Puts a new accepted set in force and in the database; then tells the links, and closes those it no longer admits.</summary>
    private async Task InstallAsync(IReadOnlyList<string> secrets, DateTimeOffset since, DateTimeOffset? dropAt, HashSet<string> scheduled,
        CancellationToken cancellationToken)
    {
        var before = keys.All;
        keys.Install(secrets);
        var after = keys.All;
        _currentSince = since;
        _scheduled = [.. scheduled.Where(id => after.Skip(1).Any(k => k.Id == id))];
        _dropAt = _scheduled.Count == 0 ? null : dropAt;
        if (_dropAt is null)
        {
            lock (_proven)
            {
                _owed.Clear();
            }
        }

        await store.SaveAsync([.. after.Select((k, i) => new SecretSchedule(k.Id, i == 0 ? since : DateTimeOffset.UnixEpoch,
            _scheduled.Contains(k.Id) ? _dropAt : null))], cancellationToken);
        _wake.Set();

        if (after[0] != before[0])
        {
            foreach (var link in links.All())
            {
                link.Send(Proof(after[0], link.RemoteNodeId, reply: true));
            }
        }

        if (before.Any(k => !keys.Accepts(k)))
        {
            CloseUnproven();
        }
    }

    /// <summary>Closes every link whose peer has proven no secret this node still accepts.</summary>
    private void CloseUnproven()
    {
        foreach (var link in links.All())
        {
            bool proven;
            lock (_proven)
            {
                proven = _proven.TryGetValue(link.RemoteNodeId, out var set) && set.Any(keys.Accepts);
            }

            if (!proven)
            {
                LogClosedUnproven(link.RemoteNodeId[..12]);
                link.Close();
            }
        }
    }

    private void OnProof(string nodeId, SecretProofMessage message)
    {
        if (message.Proof is not { Length: ConnectionProof.MacLength * 2 } hex)
        {
            return;
        }

        byte[] presented;
        try
        {
            presented = Convert.FromHexString(hex);
        }
        catch (FormatException)
        {
            return;
        }

        foreach (var key in keys.All)
        {
            if (JoinProof.Matches(JoinProof.LinkSecret(key.Join, nodeId, node.NodeId), presented))
            {
                lock (_proven)
                {
                    if (_proven.TryGetValue(nodeId, out var set))
                    {
                        set.Add(key);
                    }

                    if (key == keys.Current)
                    {
                        _owed.Remove(nodeId); // it has the current secret: nothing more to send it
                    }
                }

                if (message.Reply)
                {
                    links.Send(nodeId, Proof(key, nodeId, reply: false));
                }

                return;
            }
        }
    }

    private SecretProofMessage Proof(MeshKeySet key, string receiver, bool reply) =>
        new(Convert.ToHexStringLower(JoinProof.LinkSecret(key.Join, node.NodeId, receiver)), reply);

    [LoggerMessage(EventId = 440, Level = LogLevel.Information, Message = "Rotated the mesh secret: sent to {Peers} linked peers; the previous one is accepted until {DropAt:u}")]
    private partial void LogRotated(int peers, DateTimeOffset dropAt);

    [LoggerMessage(EventId = 441, Level = LogLevel.Information, Message = "Peer {NodeId} rotated the mesh secret; the previous one is accepted until {DropAt:u}")]
    private partial void LogReceived(string nodeId, DateTimeOffset dropAt);

    [LoggerMessage(EventId = 442, Level = LogLevel.Warning, Message = "Ignored a secret rotation from {NodeId}: {Reason}")]
    private partial void LogIgnoredRotation(string nodeId, string reason);

    [LoggerMessage(EventId = 443, Level = LogLevel.Warning, Message = "The mesh secret rotated by {NodeId} is in force but cannot be kept: this node's secret is configured where it does not write (P2P_HMAC_SECRET, MESHMIND__Mesh__Secret, the command line or appsettings.json); put the new secret there before the next start")]
    private partial void LogNotKept(string nodeId);

    [LoggerMessage(EventId = 444, Level = LogLevel.Information, Message = "The rotation's grace period ended: {Count} previous mesh secret(s) no longer accepted")]
    private partial void LogDropping(int count);

    [LoggerMessage(EventId = 446, Level = LogLevel.Information, Message = "Sent the mesh secret rotation again to {NodeId}: it was linked when the secret rotated but has not confirmed the new one")]
    private partial void LogResent(string nodeId);

    [LoggerMessage(EventId = 445, Level = LogLevel.Information, Message = "Closed the link to {NodeId}: it has proven no mesh secret this node still accepts")]
    private partial void LogClosedUnproven(string nodeId);
}
