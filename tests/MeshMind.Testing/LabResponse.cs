namespace MeshMind.Testing;

/// <summary>
/// An HTTP exchange made with curl inside a lab host: the status (0 when none arrived), the body as far as it came,
/// and curl's exit code and error (0 and empty when the response came to its end; 28 when the time limit cut it off).
/// </summary>
public sealed record LabResponse(int Status, string Body, int CurlExitCode, string CurlError)
{
    /// <summary>curl read the response to its end, whatever its status.</summary>
    public bool Completed => CurlExitCode == 0;
}
