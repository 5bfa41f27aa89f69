namespace MeshMind.FakeOllama;

/// <summary>Where a request is on a simulated GPU.</summary>
public enum GpuPhase
{
    /// <summary>Waiting for a slot.</summary>
    Queued,

    /// <summary>In a slot, waiting for its model to load.</summary>
    Loading,

    /// <summary>Processing its prompt.</summary>
    Prefilling,

    /// <summary>Generating tokens.</summary>
    Decoding,

    /// <summary>Every token generated.</summary>
    Done,

    /// <summary>Given up before the end (the client went away).</summary>
    Cancelled,
}
