using System.Net;
using MeshMind.Infrastructure;

namespace MeshMind.Discovery;

/// <summary>
/// Bounds the announcements discovery sends in answer to one it heard (to a newcomer, or to a twin with this node's
/// identity): at most <see cref="MaxPerDestination"/> to one address and <see cref="MaxTotal"/> to all together in any
/// announcement interval. Tracks at most <see cref="MaxDestinations"/> addresses.
/// </summary>
/// <remarks>
/// Issue 14, finding 3: a reply goes to the datagram's source address, which UDP does not authenticate. An insider with the
/// secret could sign announcements with invented node ids (each one new, so each one answered) from a victim's address,
/// or replay a captured fresh announcement from it to nodes that had not heard it yet, and every node that heard it sent
/// the victim a datagram per announcement. A reply is only a shortcut: the newcomer hears this node's next periodic
/// announcement within an interval, and this node dials it anyway, so a reply withheld costs at most that wait.
/// When the table of addresses is full it starts again empty; the total still bounds what goes out meanwhile.
/// Only the discovery processing loop calls this.
/// </remarks>
internal sealed class ReplyLimiter(TimeSpan interval, TimeProvider time)
{
    public const int MaxPerDestination = 4;
    public const int MaxTotal = 64;
    public const int MaxDestinations = 1024;
    private readonly RateWindow _total = new(MaxTotal, interval, time);
    private readonly Dictionary<IPAddress, RateWindow> _perDestination = [];

    /// <summary>Counts a reply to <paramref name="destination"/> and returns true, or returns false when one of the bounds is reached.</summary>
    public bool TryTake(IPAddress destination)
    {
        if (!_perDestination.TryGetValue(destination, out var window))
        {
            if (_perDestination.Count >= MaxDestinations)
            {
                _perDestination.Clear();
            }

            window = new RateWindow(MaxPerDestination, interval, time);
            _perDestination[destination] = window;
        }

        // The destination's own bound first: a flood aimed at one address spends only that address's replies.
        return window.TryTake() && _total.TryTake();
    }
}
