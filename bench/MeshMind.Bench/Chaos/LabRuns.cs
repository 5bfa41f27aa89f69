using MeshMind.Testing;

namespace MeshMind.Bench.Chaos;

/// <summary>What the long chaos runs share: a namespace lab (root), or a one-line reason why there cannot be one.</summary>
internal static class LabRuns
{
    public static async Task<NamespaceLab?> CreateAsync(string command)
    {
        if (await NamespaceLab.UnavailableAsync() is { } reason)
        {
            Console.Error.WriteLine($"chaos {command}: {reason}; run it as root on Linux");
            return null;
        }

        return await NamespaceLab.CreateAsync();
    }

    public static string? Text(string[] options, string name)
    {
        var index = Array.IndexOf(options, name);
        return index >= 0 && index + 1 < options.Length ? options[index + 1] : null;
    }

    public static int? Seed(string[] options) =>
        Text(options, "--seed") is { } seed ? int.Parse(seed, System.Globalization.CultureInfo.InvariantCulture) : null;

    public static string Seconds(TimeSpan value) => value.TotalSeconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + " s";
}
