namespace MeshMind.Diagnostics;

/// <summary>
/// One thing the doctor found, in plain words: what it is (<see cref="Message"/>) and, when something is wrong, what to do
/// (<see cref="Fix"/>). <see cref="Code"/> is stable for scripts (<c>wrong_secret</c>, <c>reach_back_failed</c>, …).
/// </summary>
internal sealed record Finding(FindingLevel Level, string Code, string Message, string? Fix)
{
    public static Finding Ok(string code, string message) => new(FindingLevel.Ok, code, message, null);

    public static Finding Info(string code, string message, string? fix = null) => new(FindingLevel.Info, code, message, fix);

    public static Finding Warning(string code, string message, string? fix = null) => new(FindingLevel.Warning, code, message, fix);

    public static Finding Error(string code, string message, string? fix = null) => new(FindingLevel.Error, code, message, fix);
}
