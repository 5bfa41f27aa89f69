using MeshMind.Storage;

namespace MeshMind.Auth;

/// <summary>
/// What each user chose for themselves, kept in the node's database so it follows them to every browser (issue 16): for now
/// the model a new chat starts with. Keyed by the name the request authenticated as (the login, or <c>apikey:NAME</c>).
/// </summary>
internal sealed class UserPreferences(Database database)
{
    public const int MaxModelLength = 200;

    public async Task<string?> DefaultModelAsync(string user, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT default_model FROM user_preferences WHERE username = $u;";
        command.Parameters.AddWithValue("$u", user);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    /// <summary>Stores the user's default model; null clears it.</summary>
    public async Task SetDefaultModelAsync(string user, string? model, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO user_preferences (username, default_model) VALUES ($u, $m)
            ON CONFLICT(username) DO UPDATE SET default_model = excluded.default_model;
            """;
        command.Parameters.AddWithValue("$u", user);
        command.Parameters.AddWithValue("$m", (object?)model ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>A model name as a preference: trimmed, at most <see cref="MaxModelLength"/> characters, no spaces; empty means none.</summary>
    public static bool TryNormalise(string? model, out string? normalised)
    {
        normalised = model?.Trim() is { Length: > 0 } trimmed ? trimmed : null;
        return normalised is null || (normalised.Length <= MaxModelLength && !normalised.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)));
    }
}
