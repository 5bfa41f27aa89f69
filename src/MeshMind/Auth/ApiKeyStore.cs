using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MeshMind.Storage;

namespace MeshMind.Auth;

/// <summary>
/// API keys for programs (<c>Authorization: Bearer mm_…</c>). Keys are 256-bit random, so a SHA-256 of the key
/// is a safe lookup value: only that hash and a short display prefix are stored.
/// </summary>
/// <remarks>
/// A key that was found is remembered, and its <c>last_used_at</c> is written at most once per
/// <see cref="LastUsedResolution"/>: an OpenAI or Ollama client sends its key with every chat, and a database write per
/// request made concurrent chats queue on SQLite's single writer. Deleting a key forgets every remembered key at once,
/// and a lookup that raced with a delete is not remembered.
/// </remarks>
internal sealed class ApiKeyStore(Database database, TimeProvider time)
{
    public const string KeyPrefix = "mm_";
    public const int MaxNameLength = 100;

    /// <summary>How stale <c>last_used_at</c> may be.</summary>
    public static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    private const int MaxRemembered = 1024;
    private readonly ConcurrentDictionary<string, Remembered> _remembered = new(StringComparer.Ordinal);
    private long _deletions;

    /// <summary>Creates a key; the returned plaintext is the only copy.</summary>
    public async Task<(ApiKey Key, string Secret)> CreateAsync(string name, CancellationToken cancellationToken)
    {
        var secret = KeyPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        var key = new ApiKey(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), name, secret[..10], time.GetUtcNow(), null);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO api_keys (id, name, key_hash, prefix, created_at) VALUES ($id, $name, $hash, $prefix, $created);";
        command.Parameters.AddWithValue("$id", key.Id);
        command.Parameters.AddWithValue("$name", key.Name);
        command.Parameters.AddWithValue("$hash", Hash(secret));
        command.Parameters.AddWithValue("$prefix", key.Prefix);
        command.Parameters.AddWithValue("$created", Format(key.CreatedAt));
        await command.ExecuteNonQueryAsync(cancellationToken);
        return (key, secret);
    }

    public async Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, name, prefix, created_at, last_used_at FROM api_keys ORDER BY created_at, id;";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var keys = new List<ApiKey>();
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(new ApiKey(reader.GetString(0), reader.GetString(1), reader.GetString(2), Parse(reader.GetString(3)),
                reader.IsDBNull(4) ? null : Parse(reader.GetString(4))));
        }

        return keys;
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM api_keys WHERE id = $id;";
        command.Parameters.AddWithValue("$id", id);
        var deleted = await command.ExecuteNonQueryAsync(cancellationToken) > 0;
        Interlocked.Increment(ref _deletions);
        _remembered.Clear();
        return deleted;
    }

    /// <summary>The key a presented secret belongs to, or null. Records when it was last used.</summary>
    public async Task<ApiKey?> FindAsync(string secret, CancellationToken cancellationToken)
    {
        if (!secret.StartsWith(KeyPrefix, StringComparison.Ordinal) || secret.Length > 128)
        {
            return null;
        }

        var hash = Hash(secret);
        var lookup = Convert.ToHexString(hash);
        var now = time.GetUtcNow();
        if (_remembered.TryGetValue(lookup, out var remembered) && now - remembered.Written < LastUsedResolution)
        {
            return remembered.Key;
        }

        var deletions = Interlocked.Read(ref _deletions);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            UPDATE api_keys SET last_used_at = $now WHERE key_hash = $hash
            RETURNING id, name, prefix, created_at, last_used_at;
            """;
        command.Parameters.AddWithValue("$hash", hash);
        command.Parameters.AddWithValue("$now", Format(now));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var key = new ApiKey(reader.GetString(0), reader.GetString(1), reader.GetString(2), Parse(reader.GetString(3)), Parse(reader.GetString(4)));
        if (_remembered.Count >= MaxRemembered)
        {
            _remembered.Clear();
        }

        _remembered[lookup] = new Remembered(key, now);
        if (Interlocked.Read(ref _deletions) != deletions)
        {
            // A key was deleted while this one was looked up: it may have been this one.
            _remembered.TryRemove(lookup, out _);
        }

        return key;
    }

    private sealed record Remembered(ApiKey Key, DateTimeOffset Written);

    private static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Format(DateTimeOffset value) => value.ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset Parse(string value) => DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
}
