namespace MeshMind.Testing.Load;

/// <summary>A held connection that the server closed (or reset), how long after it was opened, and when in the run.</summary>
public readonly record struct IdleClosure(string Profile, TimeSpan HeldFor, TimeSpan At);
