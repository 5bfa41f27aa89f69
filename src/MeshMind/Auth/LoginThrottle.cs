using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace MeshMind.Auth;

/// <summary>
/// Slows password guessing without letting anyone lock the owner out (issue 14, finding 8). Three limits:
/// <list type="bullet">
/// <item>Per client address: <see cref="AuthOptions.MaxFailedLogins"/> failures are answered at once; after them each attempt
/// must wait 1, 2, 4… s after the last failure, up to <see cref="AuthOptions.MaxLoginDelay"/>. A right password after the wait is
/// accepted. An address's failures are forgotten after <see cref="AuthOptions.FailedLoginWindow"/> without one.</item>
/// <item>Per account: at most <see cref="AuthOptions.MaxFailedLoginsPerHour"/> failures an hour from all addresses together;
/// beyond that, attempts from other machines wait until the oldest failure is an hour old. Loopback is exempt, so a flood from
/// the network cannot keep out the person at the machine (who can also reset the password with <c>meshmind password</c>).</item>
/// <item>A browser that has logged in before (a signed cookie, <see cref="SessionTokens.IssueBrowserToken"/>) is exempt from
/// both: others' failures never delay it, however many share its address (every local process is 127.0.0.1). It has its own
/// count instead: after <see cref="AuthOptions.MaxFailedLogins"/> failures with it, it is treated as a new browser.</item>
/// </list>
/// </summary>
/// <remarks>
/// Refusing the right password during a wait is what makes the wait a limit: otherwise a guesser could ignore it. Loopback
/// addresses count as one address, and IPv6 addresses by their /64, which one machine can fill. Memory is bounded: at most
/// <see cref="MaxTracked"/> addresses and browsers are tracked, the stalest forgotten first. System.Threading.RateLimiting does not
/// fit: its limiters read the system clock (not a <see cref="TimeProvider"/>) and have no growing delay.
/// </remarks>
internal sealed class LoginThrottle(IOptions<AuthOptions> options, TimeProvider time)
{
    public const int MaxTracked = 10_000;
    private static readonly TimeSpan s_accountWindow = TimeSpan.FromHours(1);

    private readonly AuthOptions _options = options.Value;
    private readonly Dictionary<string, Failures> _clients = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Failures> _browsers = new(StringComparer.Ordinal);
    private readonly Queue<DateTimeOffset> _account = new();
    private readonly Lock _lock = new();

    /// <summary>
    /// How long this attempt must wait before its password is checked, or null if it may be checked now.
    /// <paramref name="browser"/> is the id of a valid browser token the request carried, if any.
    /// </summary>
    public TimeSpan? RetryAfter(IPAddress client, string? browser)
    {
        lock (_lock)
        {
            var now = time.GetUtcNow();
            if (browser is not null && IsTrusted(browser, now))
            {
                return null;
            }

            TimeSpan? wait = null;
            if (Current(_clients, ClientKey(client), now) is { } failures && failures.Count >= _options.MaxFailedLogins)
            {
                var until = failures.Last + Delay(failures.Count - _options.MaxFailedLogins);
                wait = until > now ? until - now : null;
            }

            if (!IsLoopback(client))
            {
                ExpireAccount(now);
                if (_account.Count >= _options.MaxFailedLoginsPerHour)
                {
                    var until = _account.Peek() + s_accountWindow - now;
                    wait = wait is null || until > wait ? until : wait;
                }
            }

            return wait;
        }
    }

    public void RecordFailure(IPAddress client, string? browser)
    {
        lock (_lock)
        {
            var now = time.GetUtcNow();
            ExpireAccount(now);
            _account.Enqueue(now);
            while (_account.Count > _options.MaxFailedLoginsPerHour)
            {
                _account.Dequeue();
            }

            if (browser is not null && IsTrusted(browser, now))
            {
                Add(_browsers, browser, now);
            }
            else
            {
                Add(_clients, ClientKey(client), now);
            }
        }
    }

    public void RecordSuccess(IPAddress client, string? browser)
    {
        lock (_lock)
        {
            _clients.Remove(ClientKey(client));
            if (browser is not null)
            {
                _browsers.Remove(browser);
            }
        }
    }

    private bool IsTrusted(string browser, DateTimeOffset now) =>
        Current(_browsers, browser, now) is not { } failures || failures.Count < _options.MaxFailedLogins;

    private TimeSpan Delay(int beyondFree)
    {
        var seconds = Math.Pow(2, Math.Min(beyondFree, 30));
        return seconds >= _options.MaxLoginDelay.TotalSeconds ? _options.MaxLoginDelay : TimeSpan.FromSeconds(seconds);
    }

    private Failures? Current(Dictionary<string, Failures> table, string key, DateTimeOffset now)
    {
        if (!table.TryGetValue(key, out var failures))
        {
            return null;
        }

        if (now - failures.Last >= _options.FailedLoginWindow)
        {
            table.Remove(key);
            return null;
        }

        return failures;
    }

    private void Add(Dictionary<string, Failures> table, string key, DateTimeOffset now)
    {
        var count = Current(table, key, now)?.Count ?? 0;
        if (count == 0 && table.Count >= MaxTracked)
        {
            foreach (var (stale, failures) in table)
            {
                if (now - failures.Last >= _options.FailedLoginWindow)
                {
                    table.Remove(stale);
                }
            }

            if (table.Count >= MaxTracked)
            {
                // Under a flood of distinct addresses, forget the stalest rather than grow without bound.
                table.Remove(table.MinBy(f => f.Value.Last).Key);
            }
        }

        table[key] = new Failures(count + 1, now);
    }

    private void ExpireAccount(DateTimeOffset now)
    {
        while (_account.Count > 0 && _account.Peek() + s_accountWindow <= now)
        {
            _account.Dequeue();
        }
    }

    private static bool IsLoopback(IPAddress client) => IPAddress.IsLoopback(client.IsIPv4MappedToIPv6 ? client.MapToIPv4() : client);

    /// <summary>Loopback is one client; an IPv6 client is its /64 (what one machine or home network gets).</summary>
    private static string ClientKey(IPAddress client)
    {
        if (client.IsIPv4MappedToIPv6)
        {
            client = client.MapToIPv4();
        }

        if (IPAddress.IsLoopback(client))
        {
            return "loopback";
        }

        if (client.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var bytes = client.GetAddressBytes();
            Array.Clear(bytes, 8, 8);
            return new IPAddress(bytes) + "/64";
        }

        return client.ToString();
    }

    private readonly record struct Failures(int Count, DateTimeOffset Last);
}
