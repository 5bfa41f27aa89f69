using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace MeshMind.FakeOllama;

/// <summary>
/// Ollama's <c>keep_alive</c>: a number of seconds, or a Go duration string ("5m", "1h30m", "300ms"); negative means
/// forever (Ollama's <c>api.Duration.UnmarshalJSON</c>).
/// </summary>
public static partial class OllamaDuration
{
    /// <summary>Forever, as a negative <see cref="TimeSpan"/> (what <see cref="GpuOptions.KeepAlive"/> takes).</summary>
    public static readonly TimeSpan Forever = TimeSpan.FromSeconds(-1);

    /// <summary>Reads a <c>keep_alive</c> value; false with <paramref name="error"/> when it is neither a number nor a duration.</summary>
    public static bool TryParse(JsonNode? node, out TimeSpan? value, out string error)
    {
        value = null;
        error = "";
        if (node is null)
        {
            return true;
        }

        if (node is JsonValue number && number.GetValueKind() == JsonValueKind.Number)
        {
            // Ollama truncates to whole seconds.
            var seconds = Math.Truncate(number.GetValue<double>());
            value = seconds < 0 ? Forever : TimeSpan.FromSeconds(Math.Min(seconds, TimeSpan.MaxValue.TotalSeconds - 1));
            return true;
        }

        if (node is JsonValue text && text.GetValueKind() == JsonValueKind.String && TryParse(text.GetValue<string>(), out var parsed))
        {
            value = parsed;
            return true;
        }

        error = $"invalid keep_alive: {node.ToJsonString()}";
        return false;
    }

    /// <summary>Parses a Go duration string; a negative one is <see cref="Forever"/>.</summary>
    public static bool TryParse(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (text == "0")
        {
            return true;
        }

        var match = GoDuration().Match(text);
        if (!match.Success)
        {
            return false;
        }

        var ticks = 0.0;
        foreach (Capture part in match.Groups["part"].Captures)
        {
            var unit = part.Value.TrimStart("0123456789.".ToCharArray());
            var amount = double.Parse(part.Value[..^unit.Length], CultureInfo.InvariantCulture);
            ticks += amount * unit switch
            {
                "ns" => 0.01,
                "us" or "µs" or "μs" => 10,
                "ms" => TimeSpan.TicksPerMillisecond,
                "s" => TimeSpan.TicksPerSecond,
                "m" => TimeSpan.TicksPerMinute,
                _ => TimeSpan.TicksPerHour,
            };
        }

        if (ticks >= TimeSpan.MaxValue.Ticks)
        {
            return false;
        }

        value = match.Groups["sign"].Value == "-" && ticks > 0 ? Forever : TimeSpan.FromTicks((long)ticks);
        return true;
    }

    [GeneratedRegex(@"^(?<sign>[+-]?)(?<part>(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$", RegexOptions.CultureInvariant)]
    private static partial Regex GoDuration();
}
