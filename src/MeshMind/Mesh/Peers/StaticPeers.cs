using System.Globalization;
using System.Net;
using MeshMind.Storage;
using Microsoft.Extensions.Options;

namespace MeshMind.Mesh.Peers;

/// <summary>
/// The peers this node dials by address, whether or not discovery finds them: those configured (<c>--peer</c>,
/// <c>Mesh:Peers</c>, read-only here) and those a person added at run time, saved in the <c>static_peers</c> table and dialled
/// at once (<see cref="Changed"/>). Across subnets, or where broadcasts are blocked, one of them is enough: linked peers tell
/// each other about the rest.
/// </summary>
internal sealed class StaticPeers(IOptions<MeshOptions> options, Database database, StaticPeerStore store, TimeProvider time)
{
    /// <summary>Peers that can be added beyond the configured ones.</summary>
    public const int MaxSaved = 64;

    /// <summary>Longest <c>HOST:PORT</c> accepted: a DNS name of 253 characters, brackets and a port.</summary>
    public const int MaxLength = 262;

    private readonly IReadOnlyList<StaticPeer> _configured = [.. options.Value.Peers
        .Select(p => PeerAddress.TryParse(p, out var address) ? new StaticPeer(address, Configured: true) : null)
        .OfType<StaticPeer>().DistinctBy(p => p.Address.ToString(), StringComparer.OrdinalIgnoreCase)];

    private readonly Lock _lock = new();
    private List<StaticPeer> _saved = [];

    /// <summary>Raised after a peer was added or removed.</summary>
    public event Action? Changed;

    /// <summary>Configured peers first, then the added ones in the order they were added.</summary>
    public IReadOnlyList<StaticPeer> All
    {
        get
        {
            lock (_lock)
            {
                return [.. _configured, .. _saved.Where(s => !_configured.Any(c => Same(c.Address, s.Address)))];
            }
        }
    }

    /// <summary>Reads the added peers at start.</summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT address FROM static_peers ORDER BY added_at, address;";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var saved = new List<StaticPeer>();
        while (await reader.ReadAsync(cancellationToken))
        {
            if (PeerAddress.TryParse(reader.GetString(0), out var address))
            {
                saved.Add(new StaticPeer(address, Configured: false));
            }
        }

        lock (_lock)
        {
            _saved = saved;
        }
    }

    /// <summary>
    /// Saves the node this one joined by invite as a static peer (or, already there, the node id expected at it) and dials it
    /// at once; the limit of <see cref="MaxSaved"/> does not apply, since the join has already happened.
    /// </summary>
    public async Task AddJoinedAsync(PeerAddress address, string nodeId, CancellationToken cancellationToken)
    {
        await store.AddAsync(address.ToString(), nodeId, cancellationToken);
        await LoadAsync(cancellationToken);
        Changed?.Invoke();
    }

    /// <summary>Checks a <c>HOST:PORT</c> a person typed; on failure, says what is wrong and how to write it.</summary>
    public static (PeerAddress? Address, string? Error) Parse(string? text)
    {
        var value = text?.Trim() ?? "";
        if (value.Length == 0)
        {
            return (null, "give the peer as HOST:PORT, for example 192.168.1.20:7878");
        }

        if (value.Length > MaxLength || value.Any(char.IsControl))
        {
            return (null, $"'{Shorten(value)}' is not HOST:PORT: at most {MaxLength} printable characters");
        }

        if (value.Contains("://", StringComparison.Ordinal) || value.Contains('/', StringComparison.Ordinal))
        {
            return (null, $"'{value}' is a URL; give only HOST:PORT, for example 192.168.1.20:7878");
        }

        var colon = value.LastIndexOf(':');
        if (!value.StartsWith('[') && colon > 0 && value.IndexOf(':') != colon && IPAddress.TryParse(value, out _))
        {
            return (null, $"'{value}' has no port; write an IPv6 address in brackets with the port: [{value}]:7878");
        }

        if (!value.StartsWith('[') && value.IndexOf(':') != colon)
        {
            return (null, $"write an IPv6 address in brackets with the port, for example [fe80::1]:7878");
        }

        if (colon == 0)
        {
            return (null, $"'{value}' has no host; give HOST:PORT, for example 192.168.1.20{value}");
        }

        if (colon < 0 || colon == value.Length - 1 || (value.StartsWith('[') && value[colon - 1] != ']'))
        {
            return (null, $"'{value}' has no port; give HOST:PORT, for example {value.TrimEnd(':')}:7878 (7878 is the default mesh port)");
        }

        if (!int.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > IPEndPoint.MaxPort)
        {
            return (null, $"'{value[(colon + 1)..]}' is not a port: give a number from 1 to 65535 (the mesh port, 7878 by default)");
        }

        return PeerAddress.TryParse(value, out var address)
            ? (address, null)
            : (null, $"'{value[..colon]}' is not a host name or IP address");
    }

    /// <summary>Adds and saves a peer. Errors: 400 not <c>HOST:PORT</c>, 409 already there or too many.</summary>
    public async Task<(StaticPeer? Peer, int Status, string? Error)> AddAsync(string? text, CancellationToken cancellationToken)
    {
        var (address, error) = Parse(text);
        if (address is null)
        {
            return (null, StatusCodes.Status400BadRequest, error);
        }

        lock (_lock)
        {
            if (_configured.Concat(_saved).Any(p => Same(p.Address, address)))
            {
                return (null, StatusCodes.Status409Conflict, $"{address} is already a static peer");
            }

            if (_saved.Count >= MaxSaved)
            {
                return (null, StatusCodes.Status409Conflict, $"this node already has {MaxSaved} added static peers; remove one first");
            }
        }

        await using (var connection = await database.OpenAsync(cancellationToken))
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "INSERT INTO static_peers (address, added_at) VALUES ($a, $t) ON CONFLICT(address) DO NOTHING;";
            command.Parameters.AddWithValue("$a", address.ToString());
            command.Parameters.AddWithValue("$t", time.GetUtcNow().ToUnixTimeMilliseconds());
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        var peer = new StaticPeer(address, Configured: false);
        lock (_lock)
        {
            if (!_saved.Any(p => Same(p.Address, address)))
            {
                _saved = [.. _saved, peer];
            }
        }

        Changed?.Invoke();
        return (peer, StatusCodes.Status201Created, null);
    }

    /// <summary>Removes an added peer. Errors: 404 not a static peer, 409 configured (it can only be removed where it is set).</summary>
    public async Task<(int Status, string? Error)> RemoveAsync(string? text, CancellationToken cancellationToken)
    {
        if (!PeerAddress.TryParse(text?.Trim(), out var address))
        {
            return (StatusCodes.Status404NotFound, $"'{Shorten(text ?? "")}' is not a static peer of this node");
        }

        lock (_lock)
        {
            if (_configured.Any(p => Same(p.Address, address)))
            {
                return (StatusCodes.Status409Conflict,
                    $"{address} is set in this node's configuration (--peer or Mesh:Peers); remove it there and restart the node");
            }

            if (!_saved.Any(p => Same(p.Address, address)))
            {
                return (StatusCodes.Status404NotFound, $"{address} is not a static peer of this node");
            }
        }

        await using (var connection = await database.OpenAsync(cancellationToken))
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "DELETE FROM static_peers WHERE address = $a;";
            command.Parameters.AddWithValue("$a", address.ToString());
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        lock (_lock)
        {
            _saved = [.. _saved.Where(p => !Same(p.Address, address))];
        }

        Changed?.Invoke();
        return (StatusCodes.Status204NoContent, null);
    }

    private static bool Same(PeerAddress a, PeerAddress b) => a.Port == b.Port && string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase);

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
