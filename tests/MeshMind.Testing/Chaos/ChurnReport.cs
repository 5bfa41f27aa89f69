namespace MeshMind.Testing.Chaos;

/// <summary>What a churn run saw: every chat's outcome and every kill.</summary>
public sealed record ChurnReport(IReadOnlyList<ChatOutcome> Chats, IReadOnlyList<ChurnKill> Kills, int Seed, TimeSpan Duration)
{
    public int Answered => Chats.Count(c => c.Kind == ChatOutcome.Answered);

    public IReadOnlyList<ChatOutcome> Cut => [.. Chats.Where(c => c.Kind == ChatOutcome.Cut)];

    /// <summary>Chats neither answered nor cut mid-answer: refused or hung. With a host always alive there must be none.</summary>
    public IReadOnlyList<ChatOutcome> Failed => [.. Chats.Where(c => c.Kind is not (ChatOutcome.Answered or ChatOutcome.Cut))];

    /// <summary>
    /// Chats cut mid-answer that no kill explains: none was dying (from the kill to seen dead) while the chat was in flight, or
    /// (where the API names the host) the host that answered was not the one dying then.
    /// </summary>
    public IReadOnlyList<ChatOutcome> UnexplainedCuts => [.. Cut.Where(c =>
        !Kills.Any(k => c.Started <= k.DeadAt && c.Ended >= k.KilledAt && (c.Host is null || c.Host == k.VictimId)))];

    public double SuccessRatio => Chats.Count == 0 ? 0 : (double)Answered / Chats.Count;

    public string Summary() =>
        $"churn: {Kills.Count} kills (seed {Seed}) in {Duration.TotalSeconds:0} s, {Chats.Count} chats, {Answered} answered ({100 * SuccessRatio:0.00} %), " +
        $"{Cut.Count} cut mid-answer, {Failed.Count} refused or hung; recovery after restart " +
        string.Join(", ", Kills.Select(k => $"{k.Recovery.TotalSeconds:0.0} s"));
}
