namespace MeshMind.Node;

/// <summary>Who this node is and where it keeps its state (configuration section <c>Node</c>).</summary>
internal sealed class NodeOptions
{
    public const string Section = "Node";

    /// <summary>Display name shown to people and peers; defaults to the machine's host name.</summary>
    public string? Name { get; set; }

    /// <summary>Directory for the database, identity, secrets and files; relative paths are from the working directory.</summary>
    public string DataDir { get; set; } = "meshmind-data";

    public string EffectiveName => string.IsNullOrWhiteSpace(Name) ? Environment.MachineName : Name.Trim();

    public string FullDataDir => Path.GetFullPath(DataDir);
}
