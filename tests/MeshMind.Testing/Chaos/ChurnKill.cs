namespace MeshMind.Testing.Chaos;

/// <summary>
/// One fault of a churn run: <see cref="Victim"/> sent kill -9 at <see cref="KilledAt"/> and seen dead at <see cref="DeadAt"/>
/// (on a busy machine the kill takes a while to land: a chat started in between can still reach the dying host), restarted at
/// <see cref="RestartedAt"/> (<see cref="System.Diagnostics.Stopwatch"/> timestamps), and serving chats again
/// <see cref="Recovery"/> after its restart.
/// </summary>
public sealed record ChurnKill(string Victim, string VictimId, long KilledAt, long DeadAt, long RestartedAt, TimeSpan Recovery);
