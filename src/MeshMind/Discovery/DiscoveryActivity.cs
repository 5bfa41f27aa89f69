using System.Net;
using System.Net.Sockets;

namespace MeshMind.Discovery;

/// <summary>
/// Who discovery heard and where it sent, in detail for the doctor (<c>/api/diagnostics</c>): per sender address, the
/// announcements accepted and the datagrams refused by reason; per destination, the announcements sent and the last error;
/// whether the port could be bound at all. <see cref="DiscoveryStats"/> keeps the totals; this keeps who.
/// </summary>
/// <remarks>
/// Bounded, since anyone on the LAN can send from many (forged) addresses: at most <see cref="MaxSenders"/> senders and
/// <see cref="MaxTargets"/> destinations, the one heard from (or sent to) longest ago giving way to a new one.
/// </remarks>
internal sealed class DiscoveryActivity(TimeProvider time)
{
    public const int MaxSenders = 256;
    public const int MaxTargets = 64;
    private const int MaxNameLength = DiscoveryCodec.MaxNameLength;
    private readonly Dictionary<IPAddress, Sender> _senders = [];
    private readonly Dictionary<IPEndPoint, Send> _sends = [];
    private readonly Lock _lock = new();

    /// <summary>Set when the discovery port could not be bound at start: discovery is off for this run.</summary>
    public SocketError? BindError { get; private set; }

    public void BindFailed(SocketError error) => BindError = error;

    /// <summary>An authentic announcement from <paramref name="from"/> was accepted.</summary>
    public void Accepted(IPAddress from, string name) => Update(from, sender =>
    {
        sender.Accepted++;
        sender.LastAccepted = sender.LastHeard;
        sender.Name = Clean(name);
        sender.NameVerified = true;
    });

    /// <summary>
    /// A datagram from <paramref name="from"/> was refused. <paramref name="claimedName"/> is what it says its name is (not
    /// verified unless the tag was good); <paramref name="clockSkewMs"/> is set for an authentic but stale one.
    /// </summary>
    public void Refused(IPAddress from, DropReason reason, string? claimedName, long? clockSkewMs) => Update(from, sender =>
    {
        sender.Refused[reason] = sender.Refused.GetValueOrDefault(reason) + 1;
        sender.LastRefused = sender.LastHeard;
        if (!sender.NameVerified && Clean(claimedName) is { } name)
        {
            sender.Name = name;
        }

        if (clockSkewMs is not null)
        {
            sender.ClockSkewMs = clockSkewMs;
        }
    });

    public void Sent(IPEndPoint target) => UpdateSend(target, send =>
    {
        send.Sent++;
        send.LastError = null;
        send.LastSent = time.GetUtcNow();
    });

    public void SendFailed(IPEndPoint target, SocketError error) => UpdateSend(target, send =>
    {
        send.Failed++;
        send.LastError = error;
    });

    public IReadOnlyList<DiscoverySender> Senders()
    {
        lock (_lock)
        {
            return [.. _senders.Select(s => new DiscoverySender(s.Key, s.Value.Name, s.Value.NameVerified, s.Value.Accepted,
                new Dictionary<DropReason, long>(s.Value.Refused), s.Value.ClockSkewMs, s.Value.FirstHeard, s.Value.LastAccepted, s.Value.LastRefused))];
        }
    }

    public IReadOnlyList<DiscoverySend> Sends()
    {
        lock (_lock)
        {
            return [.. _sends.Select(s => new DiscoverySend(s.Key, s.Value.Sent, s.Value.Failed, s.Value.LastError, s.Value.LastSent))];
        }
    }

    private void Update(IPAddress from, Action<Sender> change)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (!_senders.TryGetValue(from, out var sender))
            {
                if (_senders.Count >= MaxSenders)
                {
                    _senders.Remove(_senders.MinBy(s => s.Value.LastHeard).Key);
                }

                sender = new Sender { FirstHeard = now };
                _senders[from] = sender;
            }

            sender.LastHeard = now;
            change(sender);
        }
    }

    private void UpdateSend(IPEndPoint target, Action<Send> change)
    {
        lock (_lock)
        {
            if (!_sends.TryGetValue(target, out var send))
            {
                if (_sends.Count >= MaxTargets)
                {
                    _sends.Remove(_sends.MinBy(s => s.Value.LastSent ?? DateTimeOffset.MinValue).Key);
                }

                send = new Send();
                _sends[target] = send;
            }

            change(send);
        }
    }

    /// <summary>A name fit to show: at most <see cref="MaxNameLength"/> characters, no control characters; null when nothing is left.</summary>
    private static string? Clean(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        var cleaned = new string([.. name.Where(c => !char.IsControl(c)).Take(MaxNameLength)]).Trim();
        return cleaned.Length == 0 ? null : cleaned;
    }

    private sealed class Sender
    {
        public string? Name { get; set; }
        public bool NameVerified { get; set; }
        public long Accepted { get; set; }
        public Dictionary<DropReason, long> Refused { get; } = [];
        public long? ClockSkewMs { get; set; }
        public DateTimeOffset FirstHeard { get; init; }
        public DateTimeOffset LastHeard { get; set; }
        public DateTimeOffset? LastAccepted { get; set; }
        public DateTimeOffset? LastRefused { get; set; }
    }

    private sealed class Send
    {
        public long Sent { get; set; }
        public long Failed { get; set; }
        public SocketError? LastError { get; set; }
        public DateTimeOffset? LastSent { get; set; }
    }
}
