using System.Globalization;

namespace MeshMind.Bench;

/// <summary>Options after a benchmark's name: <c>--name value</c> pairs.</summary>
internal static class BenchArgs
{
    public static int Int(string[] options, string name, int fallback)
    {
        var index = Array.IndexOf(options, name);
        return index >= 0 && index + 1 < options.Length ? int.Parse(options[index + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
