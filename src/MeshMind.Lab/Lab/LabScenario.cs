namespace MeshMind.Lab.Lab;

/// <summary>What the lab does to its nodes while it runs (<c>--scenario</c>).</summary>
internal enum LabScenario
{
    /// <summary>Nothing: nodes run until Ctrl+C (a crashed node is still restarted).</summary>
    None,

    /// <summary>Every <c>--churn-every</c>, one node other than the first is killed (SIGKILL) and restarted after <c>--restart-after</c>.</summary>
    Churn,

    /// <summary>The first LLM host decodes at a fifth of the others' rate.</summary>
    SlowHost,

    /// <summary>Every <c>--churn-every</c>, an LLM host other than the first node is killed while its simulated GPU is answering.</summary>
    HostDies,
}
