using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;

namespace MeshMind.Testing.Chaos;

/// <summary>
/// Crash consistency (issue 14's chaos suite), in a network-namespace lab: nodes A (with a fake Ollama) and B (without).
/// Most rounds, A uploads a file, pins the one before (replicated to B) and has chats answered (synced to B), and A or B
/// (in turn) is killed with -9 at a random moment. Every third round is a secret rotation instead: the victim restarts with
/// a new secret (the old one still accepted, as README describes) and is killed at a random moment of that start, then the
/// other node rotates too. After every kill the killed node's database passes SQLite's integrity check, it restarts cleanly
/// with no temporary upload left, and what it lists is whole: a file with its full size and hash or not at all, an
/// exchange with its whole answer or not at all, each at most once, and B ends up holding exactly the exchanges A kept.
/// Damage throws <see cref="InvalidOperationException"/> naming the round and the seed.
/// </summary>
public static class CrashScenario
{
    public const string Model = "llama3:latest";

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(45);

    private static readonly Dictionary<string, string> s_fast = new() { ["MESHMIND__Mesh__PingInterval"] = "00:00:00.500" };

    public static async Task<CrashReport> RunAsync(NamespaceLab lab, int subnet, int rounds, int? seedOption = null, Action<string>? log = null,
        CancellationToken cancellationToken = default)
    {
        var seed = seedOption ?? Environment.TickCount;
        var random = new Random(seed);
        // The crash moments have a generator of their own, so megabytes of file content drawn between them cannot skew them.
        var moments = new Random(seed ^ 0x5EED);
        var clock = Stopwatch.StartNew();
        var network = await lab.AddSwitchAsync(subnet);
        var hostA = await lab.AddHostAsync(network, 11);
        var ollama = await lab.StartFakeOllamaAsync(hostA, TimeSpan.FromMilliseconds(10), [Model], cancellationToken);
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var a = await lab.StartNodeAsync(hostA, "crash-a", secret, ["--ollama-url", ollama.BaseAddress.ToString()], s_fast, cancellationToken);
        var b = await lab.StartNodeAsync(await lab.AddHostAsync(network, 12), "crash-b", secret, ["--ollama-url", ChurnScenario.NoLlm], s_fast, cancellationToken);
        await LabMesh.WaitForFullMeshAsync([a, b], Timeout, cancellationToken);
        await Poll.UntilAsync(async () => (await a.GetJsonAsync("/api/models", cancellationToken))?.GetArrayLength() > 0, Timeout,
            "A's LLM to be found", cancellationToken);
        var dir = Path.Combine(lab.Root, "crash-files");
        Directory.CreateDirectory(dir);
        var expected = new Dictionary<string, string>(StringComparer.Ordinal);
        var kills = new List<CrashKill>();

        for (var round = 1; round <= rounds; round++)
        {
            void Require(bool condition, string what)
            {
                if (!condition)
                {
                    throw new InvalidOperationException($"round {round} (seed {seed}): {what}");
                }
            }

            var victim = round % 2 == 1 ? a : b;
            var other = victim == a ? b : a;
            var rotation = round % 3 == 0;
            var name = $"round-{round}.bin";
            var questions = Enumerable.Range(1, 3).Select(i => $"round {round} question {i}").ToList();
            TimeSpan moment;
            if (rotation)
            {
                // Rotation: a restart with a new secret, killed at a random moment of that start (before, while or after it
                // listens, proves the secret on its links and re-syncs); then the other node rotates too.
                var next = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
                await victim.KillAsync();
                victim.RotateSecret(next);
                moment = TimeSpan.FromMilliseconds(moments.Next(0, 2_500));
                var starting = victim.StartAsync(cancellationToken);
                await Task.Delay(moment, cancellationToken); // the moment of the crash, chosen at random: not a wait for a condition
                await victim.KillAsync();
                await IgnoreFailureAsync(starting);
                await other.KillAsync();
                other.RotateSecret(next);
                await other.StartAsync(cancellationToken);
            }
            else
            {
                var content = new byte[random.Next(1, 8) * 1024 * 1024];
                random.NextBytes(content);
                expected[name] = Convert.ToHexStringLower(SHA256.HashData(content));
                await File.WriteAllBytesAsync(Path.Combine(dir, name), content, cancellationToken);
                moment = TimeSpan.FromMilliseconds(moments.Next(0, 600));
                var work = new List<Task>
                {
                    a.UploadAsync(Path.Combine(dir, name), name, cancellationToken),
                    a.PostJsonAsync($"/api/files/round-{round - 1}.bin/pin", "{}", TimeSpan.FromSeconds(10), cancellationToken: cancellationToken),
                };
                work.AddRange(questions.Select(q => (Task)a.PostJsonAsync("/api/chat", JsonSerializer.Serialize(new { message = q, stream = false }),
                    TimeSpan.FromSeconds(10), cancellationToken: cancellationToken)));
                await Task.Delay(moment, cancellationToken); // the moment of the crash, chosen at random: not a wait for a condition
                await victim.KillAsync();
                await Task.WhenAll(work);
            }

            var integrity = await IntegrityAsync(victim, cancellationToken);
            kills.Add(new CrashKill(victim.Name, moment, rotation, integrity ?? "no database"));
            // A node killed before it created its database has nothing to check; any database it has must be intact.
            Require(integrity is null || integrity == "ok", $"{victim.Name}'s database after the kill: {integrity}");
            await victim.StartAsync(cancellationToken);
            await LabMesh.WaitForFullMeshAsync([a, b], Timeout, cancellationToken);
            // No upload or replica left half-written (a node that never received one has no temporary folder at all).
            var temporary = Path.Combine(victim.Directory, "meshmind-data", "files", "tmp");
            Require(!Directory.Exists(temporary) || Directory.GetFiles(temporary).Length == 0, $"{victim.Name} kept a temporary upload");

            if (rotation)
            {
                // After the rotation the links carry sync again: a chat on A reaches B.
                var answered = await a.PostJsonAsync("/api/chat", JsonSerializer.Serialize(new { message = questions[0], stream = false }),
                    TimeSpan.FromSeconds(10), cancellationToken: cancellationToken);
                Require(answered.Status == 200, $"A could not chat after the rotation: {answered.Status} {answered.Body}");
            }

            // What A lists of its own is whole; what it kept of this round's chats is whole and there once; B converges to it.
            foreach (var file in (await a.GetJsonAsync("/api/files", cancellationToken))!.Value.GetProperty("files").EnumerateArray()
                .Where(f => f.GetProperty("local").GetBoolean()))
            {
                var listed = file.GetProperty("name").GetString()!;
                Require(expected.TryGetValue(listed, out var sha) && file.GetProperty("sha256").GetString() == sha, $"{listed} is listed but not whole");
            }

            if (!rotation && await EntryShaAsync(a, name, cancellationToken) is not null)
            {
                var saved = Path.Combine(dir, $"check-{round}.bin");
                Require(await a.DownloadAsync($"/api/files/{name}", saved, cancellationToken) == 200, $"{name} is listed but cannot be downloaded");
                Require(expected[name] == Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(saved, cancellationToken))),
                    $"{name} downloads with other bytes than were uploaded");
                File.Delete(saved);
            }

            var kept = await QuestionsAsync(a, "/api/local", questions, cancellationToken);
            foreach (var q in kept)
            {
                Require(q.Count == 1 && q.Whole, $"A keeps '{q.Question}' {q.Count} times, whole: {q.Whole}");
            }

            var keptSet = kept.Select(q => q.Question).Order(StringComparer.Ordinal).ToList();
            await Poll.UntilAsync(async () => (await QuestionsAsync(b, $"/api/peers/{a.NodeId}/conversations", questions, cancellationToken))
                .Where(q => q.Count == 1 && q.Whole).Select(q => q.Question).Order(StringComparer.Ordinal).SequenceEqual(keptSet), Timeout,
                $"B to hold exactly the exchanges A kept of round {round} (seed {seed})", cancellationToken);
            File.Delete(Path.Combine(dir, name));
            log?.Invoke($"  round {round}: {victim.Name} killed {moment.TotalMilliseconds:0} ms into {(rotation ? "a start with a rotated secret" : "the work")}; database {kills[^1].Integrity}");
        }

        var final = await IntegrityAsync(a, cancellationToken);
        if (final != "ok")
        {
            throw new InvalidOperationException($"A's database at the end (seed {seed}): {final}");
        }

        return new CrashReport(kills, seed, clock.Elapsed);
    }

    /// <summary>A start that a kill may cut short: whether it got to listening does not matter here.</summary>
    private static async Task IgnoreFailureAsync(Task starting)
    {
        try
        {
            await starting;
        }
        catch (InvalidOperationException)
        {
            // Killed before it listened.
        }
    }

    /// <summary>
    /// SQLite's verdict on <paramref name="node"/>'s database (read-only, as found: a dead node's write-ahead log is read, not
    /// replayed into the file); null when there is none.
    /// </summary>
    private static async Task<string?> IntegrityAsync(LabNode node, CancellationToken cancellationToken)
    {
        var path = Path.Combine(node.Directory, "meshmind-data", "meshmind.db");
        if (!File.Exists(path))
        {
            return null;
        }

        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=false");
        await connection.OpenAsync(cancellationToken);
        await using var check = connection.CreateCommand();
        check.CommandText = "PRAGMA integrity_check;";
        return (string?)await check.ExecuteScalarAsync(cancellationToken);
    }

    private static async Task<string?> EntryShaAsync(LabNode node, string name, CancellationToken cancellationToken) =>
        (await node.GetJsonAsync("/api/files", cancellationToken))?.GetProperty("files").EnumerateArray()
            .Where(f => f.GetProperty("name").GetString() == name && f.GetProperty("local").GetBoolean())
            .Select(f => f.GetProperty("sha256").GetString()).FirstOrDefault();

    /// <summary>For each of <paramref name="questions"/> that the history at <paramref name="path"/> holds: how often, and whether every copy has the whole answer.</summary>
    private static async Task<List<(string Question, int Count, bool Whole)>> QuestionsAsync(LabNode node, string path, List<string> questions,
        CancellationToken cancellationToken)
    {
        var exchanges = (await node.GetJsonAsync(path, cancellationToken))?.GetProperty("exchanges").EnumerateArray().ToList() ?? [];
        return [.. questions
            .Select(q => (Question: q, Copies: exchanges.Where(e => e.GetProperty("question").GetString() == q).ToList()))
            .Where(x => x.Copies.Count > 0)
            .Select(x => (x.Question, x.Copies.Count, x.Copies.All(e => e.GetProperty("answer").GetString() == ChaosChat.Echo(Model, x.Question))))];
    }
}
