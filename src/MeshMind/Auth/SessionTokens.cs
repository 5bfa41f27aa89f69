using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using MeshMind.Infrastructure;
using MeshMind.Node;
using MeshMind.Storage;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace MeshMind.Auth;

/// <summary>
/// Issues and checks login sessions: HS256 JWTs signed with a per-node key (<c>session.key</c>, generated, owner-only).
/// </summary>
/// <remarks>
/// Lifetime is checked against the injected <see cref="TimeProvider"/>, not the library's clock, so expiry is testable.
/// Logout records the token id until its expiry, so a copied cookie stops working at logout, not 24 h later.
/// A token whose signature and claims have been checked once is remembered (at most <see cref="MaxRemembered"/>, only
/// tokens that passed): the signing key and issuer never change while the node runs, so later requests with it check only
/// its lifetime and revocation, which is what could change. Checking the signature on every request cost about a tenth of
/// the CPU of a chat through this node.
/// </remarks>
internal sealed class SessionTokens
{
    public const string KeyFileName = "session.key";

    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly SymmetricSecurityKey _key;
    private readonly string _issuer;
    private readonly TimeSpan _lifetime;
    private readonly TimeProvider _time;
    private readonly Database _database;
    private readonly ConcurrentDictionary<string, long> _revoked = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Validated> _validated = new(StringComparer.Ordinal);
    private readonly byte[] _browserKey;
    private long _sessionsSince;
    private long _sessionsSinceReadAt = long.MinValue;

    /// <summary>How often the database is asked whether <c>meshmind password</c> voided the sessions (it runs in another process).</summary>
    internal static readonly TimeSpan SessionsSinceRefresh = TimeSpan.FromSeconds(5);

    /// <summary>Tokens remembered as validated; beyond this many the memory is cleared (a node has few live sessions).</summary>
    internal const int MaxRemembered = 256;

    public SessionTokens(DataDirectory dataDirectory, NodeIdentity identity, Database database, IOptions<AuthOptions> options, TimeProvider time)
    {
        var keyPath = dataDirectory.PathOf(KeyFileName);
        if (!File.Exists(keyPath) || new FileInfo(keyPath).Length < 32)
        {
            SecureFile.WriteAllBytes(keyPath, RandomNumberGenerator.GetBytes(32));
        }

        var key = File.ReadAllBytes(keyPath);
        _key = new SymmetricSecurityKey(key);
        _browserKey = HMACSHA256.HashData(key, "meshmind browser token"u8);
        _issuer = "meshmind:" + identity.NodeId;
        _lifetime = options.Value.SessionLifetime;
        _time = time;
        _database = database;
    }

    /// <summary>Cookie names ignore ports, so nodes sharing a host would overwrite each other's session: the name carries the node id.</summary>
    public string CookieName => CookieNameFor(_issuer);

    /// <summary>The session cookie's name for the node <paramref name="nodeIdOrIssuer"/> (its id's last 12 characters).</summary>
    public static string CookieNameFor(string nodeIdOrIssuer) => "meshmind_session_" + nodeIdOrIssuer[^12..];

    /// <summary>The cookie that marks a browser which logged in before (<see cref="LoginThrottle"/>); named per node like the session's.</summary>
    public string BrowserCookieName => "meshmind_browser_" + _issuer[^12..];

    /// <summary>A new browser token: a random id and its MAC, so only this node can make one.</summary>
    public string IssueBrowserToken()
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        return id + "." + Convert.ToHexStringLower(BrowserMac(id));
    }

    /// <summary>The id of a browser token this node issued, or null for anything else.</summary>
    public string? ReadBrowserToken(string? token)
    {
        if (token is not { Length: 97 } || token[32] != '.')
        {
            return null;
        }

        var id = token[..32];
        try
        {
            return CryptographicOperations.FixedTimeEquals(Convert.FromHexString(token.AsSpan(33)), BrowserMac(id)) ? id : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private byte[] BrowserMac(string id) => HMACSHA256.HashData(_browserKey, System.Text.Encoding.ASCII.GetBytes(id));

    /// <summary>How long a session lasts from its issue (<see cref="AuthOptions.SessionLifetime"/>).</summary>
    public TimeSpan Lifetime => _lifetime;

    /// <summary>A new session for <paramref name="username"/>, lasting <see cref="Lifetime"/> unless <paramref name="lifetime"/> says less.</summary>
    /// <remarks>A shorter one is for the command line, which signs a session of a minute with this key to call a running node.</remarks>
    public SessionToken Issue(string username, TimeSpan? lifetime = null)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        var lasts = lifetime is { } shorter && shorter < _lifetime ? shorter : _lifetime;
        var (token, id) = Create(_handler, _key, _issuer, username, now, lasts);
        return new SessionToken(token, id, username, new DateTimeOffset(now + lasts, TimeSpan.Zero));
    }

    private static (string Token, string Id) Create(JsonWebTokenHandler handler, SymmetricSecurityKey key, string issuer, string username, DateTime now, TimeSpan lifetime)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var token = handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Subject = new ClaimsIdentity([new Claim(JwtRegisteredClaimNames.Sub, username), new Claim(JwtRegisteredClaimNames.Jti, id)]),
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });
        return (token, id);
    }

    /// <summary>The session a token stands for, or null if it is forged, expired, revoked or not from this node.</summary>
    public async Task<SessionToken?> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        if (token.Length > 4096)
        {
            return null;
        }

        if (_validated.TryGetValue(token, out var known))
        {
            var at = _time.GetUtcNow();
            if (at >= known.Session.Expires || at < known.NotBefore || _revoked.ContainsKey(known.Session.Id)
                || known.NotBefore.ToUnixTimeMilliseconds() < await SessionsSinceAsync(cancellationToken))
            {
                _validated.TryRemove(token, out _);
                return null;
            }

            return known.Session;
        }

        var result = await _handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = _issuer,
            ValidateAudience = false,
            ValidateLifetime = false,
            IssuerSigningKey = _key,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            RequireSignedTokens = true,
        });
        cancellationToken.ThrowIfCancellationRequested();
        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt)
        {
            return null;
        }

        var expires = new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero);
        var now = _time.GetUtcNow();
        var issued = new DateTimeOffset(jwt.ValidFrom, TimeSpan.Zero);
        if (jwt.ValidTo == DateTime.MinValue || now >= expires || now < issued
            || issued.ToUnixTimeMilliseconds() < await SessionsSinceAsync(cancellationToken))
        {
            return null;
        }

        if (!jwt.TryGetPayloadValue<string>(JwtRegisteredClaimNames.Jti, out var id) || _revoked.ContainsKey(id)
            || !jwt.TryGetPayloadValue<string>(JwtRegisteredClaimNames.Sub, out var subject))
        {
            return null;
        }

        var session = new SessionToken(token, id, subject, expires);
        if (_validated.Count >= MaxRemembered)
        {
            _validated.Clear();
        }

        _validated[token] = new Validated(session, new DateTimeOffset(jwt.ValidFrom, TimeSpan.Zero));
        return session;
    }

    /// <summary>Makes a session unusable from now on (logout).</summary>
    public async Task RevokeAsync(SessionToken session, CancellationToken cancellationToken)
    {
        _revoked[session.Id] = session.Expires.ToUnixTimeSeconds();
        _validated.TryRemove(session.Token, out _);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT OR IGNORE INTO revoked_sessions (jti, expires_at) VALUES ($id, $exp);
            DELETE FROM revoked_sessions WHERE expires_at < $now;
            """;
        command.Parameters.AddWithValue("$id", session.Id);
        command.Parameters.AddWithValue("$exp", session.Expires.ToUnixTimeSeconds());
        command.Parameters.AddWithValue("$now", _time.GetUtcNow().ToUnixTimeSeconds());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// The time (Unix ms) before which sessions are void, read from the database at most every <see cref="SessionsSinceRefresh"/>:
    /// <c>meshmind password</c> sets it from another process while the node runs. A token's issue time has whole seconds, so a
    /// login in the same second as the change, just after it, is void too (the safe side: log in again).
    /// </summary>
    private async ValueTask<long> SessionsSinceAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetTimestamp();
        var readAt = Interlocked.Read(ref _sessionsSinceReadAt);
        if (readAt != long.MinValue && _time.GetElapsedTime(readAt, now) < SessionsSinceRefresh)
        {
            return Interlocked.Read(ref _sessionsSince);
        }

        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(MAX(sessions_since), 0) FROM users;";
        var since = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        Interlocked.Exchange(ref _sessionsSince, since);
        Interlocked.Exchange(ref _sessionsSinceReadAt, now);
        return since;
    }

    /// <summary>Reads at the next check when sessions were voided (<see cref="UserStore.SetPasswordAsync"/> in this process just changed it).</summary>
    public void RereadSessionsSince() => Interlocked.Exchange(ref _sessionsSinceReadAt, long.MinValue);

    /// <summary>Loads sessions revoked before a restart.</summary>
    public async Task LoadRevokedAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT jti, expires_at FROM revoked_sessions WHERE expires_at >= $now;";
        command.Parameters.AddWithValue("$now", _time.GetUtcNow().ToUnixTimeSeconds());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            _revoked[reader.GetString(0)] = reader.GetInt64(1);
        }
    }

    /// <summary>A session whose token passed the full check, and the start of its lifetime.</summary>
    private sealed record Validated(SessionToken Session, DateTimeOffset NotBefore);
}
