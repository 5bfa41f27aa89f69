namespace MeshMind.Diagnostics;

/// <summary>What could be read cheaply of the machine's firewall: which one is active (null: none found, or it could not be read), and in what words to say so.</summary>
internal sealed record FirewallState(string? Active, string Detail);
