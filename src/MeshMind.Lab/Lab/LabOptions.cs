namespace MeshMind.Lab.Lab;

/// <summary>The settings of <c>meshmind lab</c>.</summary>
internal sealed record LabOptions
{
    public const int MaxNodes = 32;

    public int Nodes { get; init; } = 3;

    /// <summary>Nodes backed by a simulated LLM host: the last ones, so the first node (the one a person or <c>eval</c> uses) asks the mesh.</summary>
    public int LlmHosts { get; init; } = 1;

    public LabScenario Scenario { get; init; } = LabScenario.None;

    /// <summary>Where lab.json, events.jsonl and the nodes' data go; null: a temporary folder, deleted at the end.</summary>
    public string? Dir { get; init; }

    public TimeSpan ChurnEvery { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>How long a node that died stays down before the lab starts it again.</summary>
    public TimeSpan RestartAfter { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The simulated GPU's decode rate of one stream alone, in tokens per second.</summary>
    public double TokensPerSecond { get; init; } = 50;

    /// <summary>Requests each simulated host serves at once (OLLAMA_NUM_PARALLEL).</summary>
    public int Slots { get; init; } = 2;

    public string? Validate() =>
        Nodes is < 1 or > MaxNodes ? $"--nodes must be 1-{MaxNodes}"
        : LlmHosts < 0 || LlmHosts > Nodes ? "--llm-hosts must be 0 to --nodes"
        : Scenario is LabScenario.Churn && Nodes < 2 ? "--scenario churn needs at least 2 nodes (the first is never killed)"
        : Scenario is LabScenario.HostDies && (LlmHosts < 1 || (LlmHosts == Nodes && Nodes < 2)) ? "--scenario host-dies needs an LLM host other than the first node"
        : Scenario is LabScenario.SlowHost && LlmHosts < 1 ? "--scenario slow-host needs --llm-hosts 1 or more"
        : ChurnEvery <= TimeSpan.Zero || RestartAfter < TimeSpan.Zero ? "--churn-every must be positive and --restart-after not negative"
        : TokensPerSecond <= 0 || Slots < 1 ? "--tokens-per-second must be positive and --slots at least 1"
        : null;
}
