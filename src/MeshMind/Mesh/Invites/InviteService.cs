using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MeshMind.Infrastructure;
using MeshMind.Mesh.Admission;
using MeshMind.Node;
using Microsoft.Extensions.Options;

namespace MeshMind.Mesh.Invites;

/// <summary>
/// The inviting side (issue 15): makes single-use codes, answers a new device's opening (<see cref="InviteOpening"/>) on the mesh
/// port, and hands it the mesh secret when it redeems the invite over that mutually authenticated channel.
/// </summary>
/// <remarks>
/// Openings are rate limited (<see cref="AttemptsPerMinutePerAddress"/> per address, <see cref="AttemptsPerMinute"/> in all), on top of
/// the mesh port's cap on connections that have not proven admission and its handshake deadline. A token has 128 random bits, so
/// the limits are there for the database's sake, not the token's.
/// </remarks>
internal sealed partial class InviteService(
    InviteStore store, MeshKeys keys, SecretRotation rotation, NodeInfo node, BoundEndpoints bound, IOptions<MeshOptions> options,
    TimeProvider time, ILogger<InviteService> logger)
{
    public const int AttemptsPerMinutePerAddress = 10;
    public const int AttemptsPerMinute = 60;
    private const int MaxTrackedAddresses = 4096;
    private readonly RateWindow _attempts = new(AttemptsPerMinute, TimeSpan.FromMinutes(1), time);
    private readonly ConcurrentDictionary<IPAddress, RateWindow> _attemptsByAddress = new();
    private long _openings;

    /// <summary>Invite openings received since start (a token shown on the mesh port), whatever the answer.</summary>
    public long Openings => Interlocked.Read(ref _openings);

    /// <summary>A new invite, valid for <see cref="MeshOptions.InviteLifetime"/>; null when <see cref="InviteStore.MaxOpen"/> are open.</summary>
    /// <param name="reachedAt">The address the person asking reached this node at, offered first to the new device.</param>
    /// <param name="cancellationToken">Ends the wait for the database.</param>
    public async Task<CreatedInviteResponse?> CreateAsync(IPAddress? reachedAt, CancellationToken cancellationToken)
    {
        var token = RandomNumberGenerator.GetBytes(InviteCode.TokenLength);
        var now = time.GetUtcNow();
        // Whole seconds, as the code carries it.
        var expires = DateTimeOffset.FromUnixTimeSeconds((now + options.Value.InviteLifetime).ToUnixTimeSeconds());
        if (!await store.AddAsync(InviteStore.Hash(token), now, expires, cancellationToken))
        {
            return null;
        }

        var addresses = InviteAddresses.For(options.Value.BindAddress, reachedAt);
        var code = new InviteCode(token, node.NodeId, bound.MeshPort, expires, addresses).Encode();
        if (logger.IsEnabled(LogLevel.Information))
        {
            var where = string.Join(", ", addresses);
            LogCreated(expires, where);
        }

        return new CreatedInviteResponse(code, expires);
    }

    /// <summary>The answer to an invite's opening, and the token's hash when the connection may go on to redeem it.</summary>
    public async Task<(byte[] Answer, string? TokenHash)> AnswerOpeningAsync(
        byte[] token, X509Certificate2? clientCertificate, IPAddress remote, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _openings);
        if (_attemptsByAddress.Count > MaxTrackedAddresses)
        {
            _attemptsByAddress.Clear();
        }

        if (!_attemptsByAddress.GetOrAdd(remote, _ => new RateWindow(AttemptsPerMinutePerAddress, TimeSpan.FromMinutes(1), time)).TryTake()
            || !_attempts.TryTake())
        {
            return Refuse(InviteStatus.TooManyAttempts, remote);
        }

        if (clientCertificate is null)
        {
            return Refuse(InviteStatus.NoCertificate, remote);
        }

        var hash = InviteStore.Hash(token);
        var status = await store.StatusAsync(hash, time.GetUtcNow(), cancellationToken);
        return status == InviteStatus.Accepted ? (InviteOpening.Answer(status), hash) : Refuse(status, remote);
    }

    /// <summary>Uses the invite up and returns what the new device needs, or why it cannot have it (used or expired meanwhile).</summary>
    public async Task<(InviteRedemption? Redemption, InviteStatus Status)> RedeemAsync(
        string tokenHash, string clientNodeId, string? name, IPAddress remote, CancellationToken cancellationToken)
    {
        var status = await store.RedeemAsync(tokenHash, clientNodeId, time.GetUtcNow(), cancellationToken);
        if (status != InviteStatus.Accepted)
        {
            Refuse(status, remote);
            return (null, status);
        }

        LogRedeemed(name ?? "", clientNodeId[..12], remote);
        return (new InviteRedemption(node.NodeId, node.Name, keys.Secrets[0], rotation.CurrentSince.ToUnixTimeMilliseconds(), bound.MeshPort), status);
    }

    private (byte[], string?) Refuse(InviteStatus status, IPAddress remote)
    {
        LogRefused(remote, status);
        return (InviteOpening.Answer(status), null);
    }

    [LoggerMessage(EventId = 450, Level = LogLevel.Information, Message = "Made an invite, valid until {ExpiresAt:u}, for the mesh port at {Addresses}")]
    private partial void LogCreated(DateTimeOffset expiresAt, string addresses);

    [LoggerMessage(EventId = 451, Level = LogLevel.Information, Message = "Invite redeemed by '{Name}' ({NodeId}) from {Remote}: it was given the mesh secret")]
    private partial void LogRedeemed(string name, string nodeId, IPAddress remote);

    [LoggerMessage(EventId = 452, Level = LogLevel.Warning, Message = "Refused an invite from {Remote}: {Status}")]
    private partial void LogRefused(IPAddress remote, InviteStatus status);
}
