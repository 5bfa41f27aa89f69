using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MeshMind.Storage;
using Microsoft.Extensions.Options;

namespace MeshMind.Auth;

/// <summary>
/// The node's login. A configured password (<c>NODE_PASSWORD</c>, <c>auth_secret.txt</c>, <c>Auth:Password</c>) is checked
/// directly; otherwise the node generates one at first start, prints it once and keeps only its PBKDF2 hash.
/// </summary>
internal sealed class UserStore(Database database, IOptions<AuthOptions> options, TimeProvider time)
{
    private readonly AuthOptions _options = options.Value;

    public string Username => _options.Username;

    /// <summary>
    /// Makes sure someone can log in. Returns the generated password when one had to be created (first start, no
    /// configured password), so the caller can show it once; otherwise null.
    /// </summary>
    public async Task<string?> EnsureLoginAsync(CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(_options.Password) || await StoredHashAsync(cancellationToken) is not null)
        {
            return null;
        }

        var password = PasswordHasher.Generate();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO users (username, password_hash, created_at) VALUES ($u, $h, $t) ON CONFLICT(username) DO UPDATE SET password_hash = excluded.password_hash;";
        command.Parameters.AddWithValue("$u", _options.Username);
        command.Parameters.AddWithValue("$h", PasswordHasher.Hash(password));
        command.Parameters.AddWithValue("$t", time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
        await command.ExecuteNonQueryAsync(cancellationToken);
        return password;
    }

    /// <summary>
    /// Stores a new password (its hash) for the login and voids every session issued before now, in this node and in a node
    /// running on the same data directory (<see cref="SessionTokens"/> reads the time back). A configured password still wins.
    /// </summary>
    public async Task SetPasswordAsync(string password, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO users (username, password_hash, created_at, sessions_since) VALUES ($u, $h, $t, $s)
            ON CONFLICT(username) DO UPDATE SET password_hash = excluded.password_hash, sessions_since = excluded.sessions_since;
            UPDATE users SET sessions_since = $s;
            """;
        command.Parameters.AddWithValue("$u", _options.Username);
        command.Parameters.AddWithValue("$h", PasswordHasher.Hash(password));
        command.Parameters.AddWithValue("$t", now.ToString("O", CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$s", now.ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Checks a username and password in constant time with respect to the secret.</summary>
    public async Task<bool> VerifyAsync(string username, string password, CancellationToken cancellationToken)
    {
        var userMatches = FixedTimeEquals(username, _options.Username);
        bool passwordMatches;
        if (!string.IsNullOrEmpty(_options.Password))
        {
            passwordMatches = FixedTimeEquals(password, _options.Password);
        }
        else
        {
            var hash = await StoredHashAsync(cancellationToken);
            passwordMatches = hash is not null && PasswordHasher.Verify(password, hash);
        }

        return userMatches & passwordMatches;
    }

    private async Task<string?> StoredHashAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT password_hash FROM users WHERE username = $u;";
        command.Parameters.AddWithValue("$u", _options.Username);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(a)), SHA256.HashData(Encoding.UTF8.GetBytes(b)));
}
