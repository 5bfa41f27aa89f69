namespace MeshMind.Testing.Chaos;

/// <summary>
/// One fault of a churn run: <see cref="Victim"/> killed with -9 at <see cref="KilledAt"/>, restarted at <see cref="RestartedAt"/>
/// (<see cref="System.Diagnostics.Stopwatch"/> timestamps), and serving chats again <see cref="Recovery"/> after its restart.
/// </summary>
public sealed record ChurnKill(string Victim, string VictimId, long KilledAt, long RestartedAt, TimeSpan Recovery);
