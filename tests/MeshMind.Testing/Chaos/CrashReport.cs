namespace MeshMind.Testing.Chaos;

/// <summary>
/// What a crash-consistency run did: each kill as "node@moment" (the moment after the round's work started, or after the
/// start with a rotated secret), and how long the run took. A run that found damage throws instead of reporting.
/// </summary>
public sealed record CrashReport(IReadOnlyList<CrashKill> Kills, int Seed, TimeSpan Duration)
{
    public string Summary() =>
        $"crash consistency: {Kills.Count} kills (seed {Seed}) in {Duration.TotalSeconds:0} s, every database ok: " +
        string.Join(", ", Kills.Select(k => $"{k.Victim}@{k.Moment.TotalMilliseconds:0}ms{(k.DuringRotation ? " (rotation)" : "")}"));
}

/// <summary>One kill -9 of a crash-consistency run, with SQLite's verdict on the killed node's database.</summary>
public sealed record CrashKill(string Victim, TimeSpan Moment, bool DuringRotation, string Integrity);
