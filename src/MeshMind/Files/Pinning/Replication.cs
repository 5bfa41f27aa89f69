using System.Collections.Concurrent;
using System.Net;
using System.Threading.Channels;
using MeshMind.Files.Peers;
using MeshMind.Files.Store;
using MeshMind.Mesh;
using MeshMind.Mesh.Links;
using MeshMind.Mesh.Peers;

namespace MeshMind.Files.Pinning;

/// <summary>
/// Pinned files (issue 5): the origin asks every live peer with <c>file_pin</c> to keep a replica; a peer with room under
/// <see cref="FileOptions.ReplicaQuotaBytes"/> pulls the blob from the origin's <c>GET /mesh/files/{sha256}</c>, keeps it
/// only if it hashes to the announced SHA-256, and answers <c>file_pin_result</c>. <c>file_unpin</c> (or deleting the
/// file) drops the replicas. A peer that was away catches up when its link to the origin comes up: the origin sends
/// <c>file_pin</c> with <c>sync</c>, and the peer reads the origin's list, pulls what is pinned there and drops what no longer is.
/// </summary>
/// <remarks>
/// The origin of a replica is always the node that sent <c>file_pin</c> over its authenticated link, and the bytes come
/// from that node only, so no peer can plant a file in another node's name. Pulls run one at a time in this service.
/// </remarks>
internal sealed partial class Replication(
    FileStore store,
    PeerFiles peerFiles,
    MeshLinks links,
    TimeProvider time,
    ILogger<Replication> logger) : BackgroundService, IMeshParticipant
{
    /// <summary>How long <c>POST /api/files/{filename}/pin</c> waits for the peers' answers before it reports the rest as pending (202).</summary>
    public static readonly TimeSpan PinWait = TimeSpan.FromSeconds(15);

    private static readonly TimeSpan s_listTimeout = TimeSpan.FromSeconds(5);

    /// <summary>A pull is given a minute plus a second per MB (a stalled origin cannot hold the queue forever).</summary>
    private static TimeSpan PullLimit(long size) => TimeSpan.FromSeconds(60 + (size / 1_000_000));

    private readonly Channel<Job> _jobs = Channel.CreateBounded<Job>(new BoundedChannelOptions(4096) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });
    private readonly ConcurrentDictionary<(string NodeId, string Sha256, string Name), TaskCompletionSource<FilePinResultMessage>> _answers = new();

    private abstract record Job(string Origin);

    private sealed record PullJob(string Origin, AnnouncedFile File) : Job(Origin);

    private sealed record DropJob(string Origin, string Name) : Job(Origin);

    private sealed record SyncJob(string Origin) : Job(Origin);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        store.Stored += OnStored;
        store.Removed += OnRemoved;
        return base.StartAsync(cancellationToken);
    }

    public override Task StopAsync(CancellationToken cancellationToken)
    {
        store.Stored -= OnStored;
        store.Removed -= OnRemoved;
        return base.StopAsync(cancellationToken);
    }

    /// <summary>Pins this node's file <paramref name="name"/> and waits up to <see cref="PinWait"/> for every live peer's answer; null when there is no such file.</summary>
    public async Task<PinResponse?> PinAsync(string name, CancellationToken cancellationToken)
    {
        if (await store.SetPinnedAsync(name, pinned: true, cancellationToken) is not { } file)
        {
            return null;
        }

        var announced = AnnouncedFile.From(file);
        // Every linked peer is asked (the pin is a message over the link; the peer then fetches from this node), also one
        // whose hello has not been read yet: a pin right after a peer linked once reached nobody.
        var live = peerFiles.LinkedPeers();
        var waits = new List<(PeerInfo Peer, TaskCompletionSource<FilePinResultMessage> Answer)>();
        foreach (var peer in live)
        {
            var answer = _answers.GetOrAdd((peer.NodeId, file.Sha256, file.Name), _ => new(TaskCreationOptions.RunContinuationsAsynchronously));
            waits.Add((peer, answer));
            if (!links.Send(peer.NodeId, new FilePinMessage([announced])))
            {
                answer.TrySetResult(new FilePinResultMessage(file.Sha256, file.Name, Accepted: false, "no link to this peer"));
            }
        }

        try
        {
            await Task.WhenAll(waits.Select(w => w.Answer.Task)).WaitAsync(PinWait, time, cancellationToken);
        }
        catch (TimeoutException)
        {
            // Reported as pending; the peer still answers, and its replica shows in the listing when it has one.
        }
        finally
        {
            foreach (var (peer, answer) in waits)
            {
                _answers.TryRemove(new((peer.NodeId, file.Sha256, file.Name), answer));
            }
        }

        var accepted = waits.Where(w => w.Answer.Task.IsCompletedSuccessfully && w.Answer.Task.Result.Accepted).Select(w => w.Peer.NodeId).ToList();
        var declined = waits.Where(w => w.Answer.Task.IsCompletedSuccessfully && !w.Answer.Task.Result.Accepted)
            .Select(w => new PinDecline(w.Peer.NodeId, w.Answer.Task.Result.Reason ?? "declined")).ToList();
        var pending = waits.Where(w => !w.Answer.Task.IsCompleted).Select(w => w.Peer.NodeId).ToList();
        LogPinned(name, live.Count, accepted.Count, declined.Count, pending.Count);
        return new PinResponse(file.Name, file.Sha256, Pinned: true, live.Count, accepted, declined, pending);
    }

    /// <summary>Unpins this node's file <paramref name="name"/> and tells every linked peer to drop its replica; null when there is no such file.</summary>
    public async Task<PinResponse?> UnpinAsync(string name, CancellationToken cancellationToken)
    {
        if (await store.SetPinnedAsync(name, pinned: false, cancellationToken) is not { } file)
        {
            return null;
        }

        links.Broadcast(new FileUnpinMessage(file.Name));
        return new PinResponse(file.Name, file.Sha256, Pinned: false, peerFiles.LinkedPeers().Count, [], [], []);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var job in _jobs.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                switch (job)
                {
                    case PullJob pull:
                        var (accepted, reason) = await PullAsync(pull.Origin, pull.File, stoppingToken);
                        links.Send(pull.Origin, new FilePinResultMessage(pull.File.Id, pull.File.Name, accepted, reason));
                        break;
                    case DropJob drop:
                        await store.DeleteReplicaAsync(drop.Origin, drop.Name, stoppingToken);
                        break;
                    case SyncJob sync:
                        await SyncAsync(sync.Origin, stoppingToken);
                        break;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogJobFailed(job.GetType().Name, job.Origin[..12], ex.Message);
            }
        }
    }

    /// <summary>Fetches the origin's file and keeps it as a replica; (false, why) when there is no room or the bytes are wrong.</summary>
    private async Task<(bool Accepted, string? Reason)> PullAsync(string origin, AnnouncedFile file, CancellationToken cancellationToken)
    {
        if (await store.FindReplicaAsync(origin, file.Name, cancellationToken) is { } held && held.Sha256 == file.Id)
        {
            return (true, null);
        }

        if (peerFiles.LivePeers().FirstOrDefault(p => p.NodeId == origin) is not { } peer)
        {
            return (false, "the origin is not linked");
        }

        var room = store.Options.ReplicaQuotaBytes - await store.ReplicaBytesAsync(origin, file.Name, cancellationToken);
        if (file.Size > room)
        {
            LogQuotaDeclined(file.Name, peer.Name, file.Size, Math.Max(0, room));
            return (false, $"no room: {file.Size} bytes asked, {Math.Max(0, room)} of the replica quota left");
        }

        using var limit = new CancellationTokenSource(PullLimit(file.Size), time);
        using var pull = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, limit.Token);
        try
        {
            using var response = await peerFiles.BulkClient(peer).GetAsync("/mesh/files/" + file.Id, HttpCompletionOption.ResponseHeadersRead, pull.Token);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return (false, $"the origin answered {(int)response.StatusCode} for the file");
            }

            await using var body = await response.Content.ReadAsStreamAsync(pull.Token);
            await store.SaveReplicaAsync(origin, peer.Name, file, body, pull.Token);
            return (true, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            LogPullFailed(file.Name, peer.Name, $"not done within {PullLimit(file.Size).TotalSeconds:F0} s");
            return (false, "the copy took too long");
        }
        catch (FileStore.QuotaException ex)
        {
            LogQuotaDeclined(file.Name, peer.Name, file.Size, 0);
            return (false, ex.Message);
        }
        catch (Exception ex) when (ex is FileStore.MismatchException or HttpRequestException or IOException)
        {
            LogPullFailed(file.Name, peer.Name, ex.Message);
            return (false, ex.Message);
        }
    }

    /// <summary>Brings this node's replicas of <paramref name="origin"/>'s files in line with what the origin has pinned now.</summary>
    private async Task SyncAsync(string origin, CancellationToken cancellationToken)
    {
        if (peerFiles.LivePeers().FirstOrDefault(p => p.NodeId == origin) is not { } peer)
        {
            return;
        }

        MeshFileList? list;
        using (var limit = new CancellationTokenSource(s_listTimeout, time))
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, limit.Token))
        {
            try
            {
                list = await peerFiles.Client(peer).GetFromJsonAsync("/mesh/files", MeshFileJsonContext.Default.MeshFileList, timeout.Token);
            }
            catch (Exception ex) when (ex is HttpRequestException or System.Text.Json.JsonException
                || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                LogJobFailed(nameof(SyncJob), origin[..12], ex.Message);
                return;
            }
        }

        var pinned = (list?.Files ?? []).Where(f => f is { Origin: null, Pinned: true } && PeerFiles.Valid(f)).ToDictionary(f => f.Name, StringComparer.Ordinal);
        foreach (var replica in await store.ListReplicasOfAsync(origin, cancellationToken))
        {
            if (!pinned.ContainsKey(replica.Name))
            {
                await store.DeleteReplicaAsync(origin, replica.Name, cancellationToken);
            }
        }

        foreach (var file in pinned.Values)
        {
            await PullAsync(origin, file, cancellationToken);
        }
    }

    private void Enqueue(Job job)
    {
        if (!_jobs.Writer.TryWrite(job))
        {
            LogJobFailed(job.GetType().Name, job.Origin[..12], "too many replication jobs queued");
        }
    }

    /// <summary>Asks the new peer to catch up with this node's pins (it reads the list after our hello, so it knows our mesh port).</summary>
    public void LinkUp(string nodeId) => links.Send(nodeId, new FilePinMessage([], Sync: true));

    public void LinkDown(string nodeId)
    {
    }

    public void Received(string nodeId, LinkMessage message)
    {
        switch (message)
        {
            case FilePinMessage { Sync: true }:
                Enqueue(new SyncJob(nodeId));
                break;
            case FilePinMessage pin:
                foreach (var file in pin.Files.Take(1_000).Where(f => f.Origin is null && PeerFiles.Valid(f)))
                {
                    Enqueue(new PullJob(nodeId, file));
                }

                break;
            case FileUnpinMessage { Name: { } name }:
                Enqueue(new DropJob(nodeId, name));
                break;
            case FilePinResultMessage { Id: { } id, Name: { } name } result when _answers.TryGetValue((nodeId, id, name), out var answer):
                answer.TrySetResult(result);
                break;
        }
    }

    /// <summary>A pinned file uploaded again with other bytes: the replicas follow.</summary>
    private void OnStored(StoredFile file)
    {
        if (file.Pinned)
        {
            links.Broadcast(new FilePinMessage([AnnouncedFile.From(file)]));
        }
    }

    /// <summary>A deleted file keeps no replicas (peers without one ignore the message).</summary>
    private void OnRemoved(string name) => links.Broadcast(new FileUnpinMessage(name));

    [LoggerMessage(EventId = 820, Level = LogLevel.Information, Message = "Pinned '{Name}': {Peers} live peers, {Accepted} hold a replica, {Declined} declined, {Pending} not answered yet")]
    private partial void LogPinned(string name, int peers, int accepted, int declined, int pending);

    [LoggerMessage(EventId = 821, Level = LogLevel.Warning, Message = "Declined to replicate '{Name}' from '{Origin}': {Size} bytes, {Room} bytes left under Files:ReplicaQuotaBytes")]
    private partial void LogQuotaDeclined(string name, string origin, long size, long room);

    [LoggerMessage(EventId = 822, Level = LogLevel.Warning, Message = "Could not replicate '{Name}' from '{Origin}': {Reason}")]
    private partial void LogPullFailed(string name, string origin, string reason);

    [LoggerMessage(EventId = 823, Level = LogLevel.Debug, Message = "Replication {Job} for {Origin} failed: {Reason}")]
    private partial void LogJobFailed(string job, string origin, string reason);
}
