namespace MeshMind.Storage;

/// <summary>The schema history of <c>meshmind.db</c>, applied in order at start.</summary>
public static class Migrations
{
    public static readonly IReadOnlyList<Migration> All =
    [
        new(1, "auth", """
            CREATE TABLE users (
                username      TEXT PRIMARY KEY,
                password_hash TEXT NOT NULL,
                created_at    TEXT NOT NULL
            );
            CREATE TABLE api_keys (
                id           TEXT PRIMARY KEY,
                name         TEXT NOT NULL,
                key_hash     BLOB NOT NULL UNIQUE,
                prefix       TEXT NOT NULL,
                created_at   TEXT NOT NULL,
                last_used_at TEXT
            );
            CREATE TABLE revoked_sessions (
                jti        TEXT PRIMARY KEY,
                expires_at INTEGER NOT NULL
            );
            """),
        new(2, "peers", """
            CREATE TABLE peers (
                node_id      TEXT PRIMARY KEY,
                name         TEXT NOT NULL,
                last_address TEXT,
                first_seen   TEXT NOT NULL,
                last_seen    TEXT NOT NULL,
                admitted     INTEGER NOT NULL DEFAULT 0,
                revoked      INTEGER NOT NULL DEFAULT 0
            );
            """),
    ];
}
