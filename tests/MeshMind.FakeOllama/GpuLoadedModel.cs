namespace MeshMind.FakeOllama;

/// <summary>A model in a simulated GPU's memory, as <c>/api/ps</c> reports it.</summary>
public sealed record GpuLoadedModel(string Name, DateTimeOffset ExpiresAt);
