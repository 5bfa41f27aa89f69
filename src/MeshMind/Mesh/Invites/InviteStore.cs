using System.Security.Cryptography;
using MeshMind.Storage;

namespace MeshMind.Mesh.Invites;

/// <summary>
/// Invites this node made (<c>invites</c>): a hash of each token, its expiry, and whether and by whom it was used. Redemption is
/// one conditional <c>UPDATE</c>, so a token is used once however many connections race for it, also across a restart.
/// </summary>
internal sealed class InviteStore(Database database)
{
    /// <summary>Invites open at once (made, not used, not expired); beyond them a new one is refused until one ends.</summary>
    public const int MaxOpen = 32;

    /// <summary>How long a used or expired invite is remembered, to tell whoever tries it again why it no longer works.</summary>
    public static readonly TimeSpan RememberedFor = TimeSpan.FromDays(1);

    public static string Hash(ReadOnlySpan<byte> token) => Convert.ToHexStringLower(SHA256.HashData([.. "meshmind invite|"u8, .. token]));

    /// <summary>Records a new invite; false when <see cref="MaxOpen"/> are open already.</summary>
    public async Task<bool> AddAsync(string tokenHash, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using (var purge = connection.CreateCommand())
        {
            purge.CommandText = "DELETE FROM invites WHERE expires_at < $forgotten;";
            purge.Parameters.AddWithValue("$forgotten", (now - RememberedFor).ToUnixTimeMilliseconds());
            await purge.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var insert = connection.CreateCommand();
        insert.CommandText = """
            INSERT INTO invites (token_hash, created_at, expires_at)
            SELECT $hash, $now, $expires WHERE (SELECT COUNT(*) FROM invites WHERE used_at IS NULL AND expires_at > $now) < $max;
            """;
        insert.Parameters.AddWithValue("$hash", tokenHash);
        insert.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        insert.Parameters.AddWithValue("$expires", expiresAt.ToUnixTimeMilliseconds());
        insert.Parameters.AddWithValue("$max", MaxOpen);
        return await insert.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Whether the invite could be redeemed now (<see cref="InviteStatus.Accepted"/>), or why not.</summary>
    public async Task<InviteStatus> StatusAsync(string tokenHash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT expires_at, used_at FROM invites WHERE token_hash = $hash;";
        command.Parameters.AddWithValue("$hash", tokenHash);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return InviteStatus.Unknown;
        }

        return !reader.IsDBNull(1) ? InviteStatus.Used
            : reader.GetInt64(0) <= now.ToUnixTimeMilliseconds() ? InviteStatus.Expired
            : InviteStatus.Accepted;
    }

    /// <summary>Uses the invite up: <see cref="InviteStatus.Accepted"/> for exactly one caller, while it is open; otherwise why not.</summary>
    public async Task<InviteStatus> RedeemAsync(string tokenHash, string usedBy, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using (var connection = await database.OpenAsync(cancellationToken))
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = """
                UPDATE invites SET used_at = $now, used_by = $by
                WHERE token_hash = $hash AND used_at IS NULL AND expires_at > $now;
                """;
            command.Parameters.AddWithValue("$hash", tokenHash);
            command.Parameters.AddWithValue("$by", usedBy);
            command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
            if (await command.ExecuteNonQueryAsync(cancellationToken) == 1)
            {
                return InviteStatus.Accepted;
            }
        }

        return await StatusAsync(tokenHash, now, cancellationToken) is var status and not InviteStatus.Accepted ? status : InviteStatus.Used;
    }
}
