namespace MeshMind.Lab.Eval;

/// <summary>The settings of <c>meshmind eval</c>: one node and its key, or a lab's nodes from its lab.json.</summary>
internal sealed record EvalOptions
{
    /// <summary>The environment variable that can carry <c>--key</c>: a node starting eval for its Evaluate screen passes its key so.</summary>
    public const string KeyVariable = "MESHMIND_EVAL_KEY";

    public string? Node { get; init; }

    public string? Key { get; init; }

    /// <summary>A lab's lab.json: every node is sampled, the first is the entry, and with <see cref="Churn"/> eval kills nodes itself.</summary>
    public string? Lab { get; init; }

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(60);

    public string Out { get; init; } = "meshmind-eval";

    public bool Churn { get; init; }

    /// <summary>Chats kept in flight at once.</summary>
    public int Chats { get; init; } = 2;

    /// <summary>Progress as JSON lines for a program, which stops the run by closing standard input (see <see cref="Progress"/>).</summary>
    public bool ProgressJson { get; init; }

    public string? Validate() =>
        (Lab is null) == (Node is null) ? "give either --node URL --key KEY, or --lab DIR/lab.json"
        : Node is not null && (!Uri.TryCreate(Node, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https")) ? $"--node: '{Node}' is not an http:// or https:// address of a node"
        : Node is not null && string.IsNullOrWhiteSpace(Key) ? "--key: give an API key of that node (Settings → API keys, or `meshmind lab`'s lab.json)"
        : Churn && Lab is null ? "--churn needs --lab DIR/lab.json (eval kills and the lab restarts nodes); on another mesh, eval records the churn that happens"
        : Duration < TimeSpan.FromSeconds(5) || Duration > TimeSpan.FromHours(24) ? "--duration must be 5 s to 24 h (e.g. 60s, 5m)"
        : Chats is < 0 or > 64 ? "--chats must be 0-64"
        : null;
}
