namespace MeshMind.Storage;

/// <summary>The schema history of <c>meshmind.db</c>, applied in order at start.</summary>
internal static class Migrations
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
        new(3, "conversations", """
            CREATE TABLE conversations (
                id         TEXT PRIMARY KEY,
                title      TEXT NOT NULL,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            );
            CREATE TABLE exchanges (
                id                TEXT PRIMARY KEY,
                conversation_id   TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
                question          TEXT NOT NULL,
                answer            TEXT NOT NULL,
                model             TEXT NOT NULL,
                host_node_id      TEXT NOT NULL,
                host_name         TEXT NOT NULL,
                host_ip           TEXT NOT NULL,
                host_has_llm      INTEGER NOT NULL,
                latency_ms        REAL NOT NULL,
                ttft_ms           REAL,
                prompt_tokens     INTEGER NOT NULL,
                completion_tokens INTEGER NOT NULL,
                created_at        TEXT NOT NULL,
                error             TEXT
            );
            CREATE INDEX exchanges_by_conversation ON exchanges (conversation_id, created_at);
            CREATE INDEX exchanges_by_time ON exchanges (created_at);
            CREATE TABLE peer_histories (
                node_id    TEXT PRIMARY KEY,
                name       TEXT NOT NULL,
                updated_at TEXT NOT NULL
            );
            CREATE TABLE peer_exchanges (
                node_id    TEXT NOT NULL REFERENCES peer_histories(node_id) ON DELETE CASCADE,
                id         TEXT NOT NULL,
                created_at TEXT NOT NULL,
                payload    TEXT NOT NULL,
                PRIMARY KEY (node_id, id)
            );
            """),
        new(4, "files", """
            CREATE TABLE files (
                name         TEXT PRIMARY KEY,
                sha256       TEXT NOT NULL,
                size         INTEGER NOT NULL,
                content_type TEXT NOT NULL,
                modified     TEXT NOT NULL,
                pinned       INTEGER NOT NULL DEFAULT 0
            );
            CREATE INDEX files_by_sha256 ON files (sha256);
            """),
        new(5, "replicas", """
            CREATE TABLE replicas (
                origin_node_id TEXT NOT NULL,
                origin_name    TEXT NOT NULL,
                name           TEXT NOT NULL,
                sha256         TEXT NOT NULL,
                size           INTEGER NOT NULL,
                content_type   TEXT NOT NULL,
                modified       TEXT NOT NULL,
                stored_at      TEXT NOT NULL,
                PRIMARY KEY (origin_node_id, name)
            );
            CREATE INDEX replicas_by_sha256 ON replicas (sha256);
            """),
        new(6, "analytics", """
            CREATE TABLE analytics (
                resolution INTEGER NOT NULL,
                start      INTEGER NOT NULL,
                kind       TEXT NOT NULL,
                key        TEXT NOT NULL,
                data       TEXT NOT NULL,
                PRIMARY KEY (resolution, start, kind, key)
            ) WITHOUT ROWID;
            """),
        // Sessions issued before this time (Unix milliseconds) are void: `meshmind password` sets it.
        new(7, "sessions_since", """
            ALTER TABLE users ADD COLUMN sessions_since INTEGER NOT NULL DEFAULT 0;
            """),
        // Invites (issue 15): only a hash of each one-time token is kept; used_at makes redemption single-use across restarts.
        // mesh_secrets: when each secret became current and when a previous one stops being accepted (never the secret itself).
        // static_peers: HOST:PORT dialled at every start besides Mesh:Peers: added on the Network screen, or the node a device
        // joined by invite (node_id, the node expected there); added_at in Unix milliseconds.
        new(8, "invites", """
            CREATE TABLE invites (
                token_hash TEXT PRIMARY KEY,
                created_at INTEGER NOT NULL,
                expires_at INTEGER NOT NULL,
                used_at    INTEGER,
                used_by    TEXT
            ) WITHOUT ROWID;
            CREATE TABLE mesh_secrets (
                secret_id TEXT PRIMARY KEY,
                since     INTEGER NOT NULL,
                drop_at   INTEGER
            ) WITHOUT ROWID;
            CREATE TABLE static_peers (
                address  TEXT PRIMARY KEY COLLATE NOCASE,
                node_id  TEXT,
                added_at INTEGER NOT NULL
            ) WITHOUT ROWID;
            """),
        // Issue 16: an exchange's parent is the exchange it follows in its branch (null for a conversation's first question), so
        // editing a question or regenerating an answer forks the thread instead of rewriting it; existing exchanges follow the
        // one asked before them. A conversation keeps its generation settings (null: the host's default).
        new(9, "conversation_branches", """
            ALTER TABLE exchanges ADD COLUMN parent_id TEXT;
            UPDATE exchanges SET parent_id = (
                SELECT p.id FROM exchanges p
                WHERE p.conversation_id = exchanges.conversation_id
                    AND (p.created_at < exchanges.created_at OR (p.created_at = exchanges.created_at AND p.rowid < exchanges.rowid))
                ORDER BY p.created_at DESC, p.rowid DESC LIMIT 1);
            ALTER TABLE conversations ADD COLUMN system_prompt TEXT;
            ALTER TABLE conversations ADD COLUMN temperature REAL;
            ALTER TABLE conversations ADD COLUMN max_tokens INTEGER;
            """),
        // Issue 16: what each user chose for themselves (the model a new chat starts with), whatever browser they use.
        new(10, "user_preferences", """
            CREATE TABLE user_preferences (
                username      TEXT PRIMARY KEY,
                default_model TEXT
            ) WITHOUT ROWID;
            """),
        // Issue 19: the full-text index of this node's shared files and the replicas it holds (origin_node_id '' for its own).
        // A chunk's rowid is its document's id << 20 plus its place in the document, so a document's chunks are one rowid
        // range (deleted without a scan); sha256 is what was indexed, so a file re-indexes only when its content changed.
        // chunks and tokens (and knowledge_terms, each term's chunk count) are the statistics a search across nodes ranks by.
        new(11, "knowledge", """
            CREATE TABLE knowledge_documents (
                id             INTEGER PRIMARY KEY,
                origin_node_id TEXT NOT NULL,
                origin_name    TEXT NOT NULL,
                name           TEXT NOT NULL,
                sha256         TEXT NOT NULL,
                characters     INTEGER NOT NULL,
                chunks         INTEGER NOT NULL,
                tokens         INTEGER NOT NULL,
                indexed_at     TEXT NOT NULL,
                UNIQUE (origin_node_id, name)
            );
            CREATE VIRTUAL TABLE knowledge_chunks USING fts5(text, tokenize = 'unicode61 remove_diacritics 2');
            CREATE VIRTUAL TABLE knowledge_terms USING fts5vocab(knowledge_chunks, row);
            """),
        new(12, "knowledge_vectors", """
            ALTER TABLE knowledge_documents ADD COLUMN embedding_model TEXT NOT NULL DEFAULT '';
            CREATE TABLE knowledge_vectors (
                chunk  INTEGER PRIMARY KEY,
                model  TEXT NOT NULL,
                vector BLOB NOT NULL
            );
            """),
        // Issue 19: FTS5 keeps up to 8 MiB of inserted terms in memory before writing them out as a segment (its default is
        // 1 MiB). Fewer, larger segments are merged less often: indexing a batch of files took about a third less CPU (bench
        // search). A setting of the table, kept in knowledge_chunks_config.
        new(13, "knowledge_hashsize", """
            INSERT INTO knowledge_chunks (knowledge_chunks, rank) VALUES ('hashsize', 8388608);
            """),
        // Issue 19: the sources an answer with mesh files was given (a JSON array of {number, node_id, node, file, snippet,
        // download_url}), kept with the exchange so a reopened conversation cites them as the answer did; null without.
        new(14, "exchange_sources", """
            ALTER TABLE exchanges ADD COLUMN sources TEXT;
            """),
    ];
}
