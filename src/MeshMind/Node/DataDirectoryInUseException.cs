using System.Globalization;

namespace MeshMind.Node;

/// <summary>Another process (another node) already uses the data directory; two nodes would share one database and identity.</summary>
internal sealed class DataDirectoryInUseException(string directory, int? processId)
    : IOException(string.Create(CultureInfo.InvariantCulture,
        $"{directory} is in use by another meshmind process ({(processId is { } id ? $"PID {id}" : "PID unknown")}); stop that node first, or give this one its own data directory"))
{
    public string Directory { get; } = directory;

    public int? ProcessId { get; } = processId;
}
