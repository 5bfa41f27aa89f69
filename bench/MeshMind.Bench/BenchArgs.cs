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

    public static string String(string[] options, string name, string fallback)
    {
        var index = Array.IndexOf(options, name);
        return index >= 0 && index + 1 < options.Length ? options[index + 1] : fallback;
    }

    /// <summary>A comma-separated list, e.g. <c>--rates 1000,5000</c>; <c>0</c> alone for none.</summary>
    public static int[] Ints(string[] options, string name, int[] fallback)
    {
        var index = Array.IndexOf(options, name);
        return index >= 0 && index + 1 < options.Length
            ? [.. options[index + 1].Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).Where(v => v > 0)]
            : fallback;
    }
}
