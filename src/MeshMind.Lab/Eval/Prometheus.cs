using System.Globalization;

namespace MeshMind.Lab.Eval;

/// <summary>A node's <c>/metrics</c> (Prometheus text): each sample's name, labels and value.</summary>
internal sealed class Prometheus
{
    private readonly List<(string Name, Dictionary<string, string> Labels, double Value)> _samples = [];

    public static Prometheus Parse(string text)
    {
        var result = new Prometheus();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var brace = line.IndexOf('{', StringComparison.Ordinal);
            var close = line.LastIndexOf('}');
            var name = brace < 0 ? line[..line.IndexOf(' ', StringComparison.Ordinal)] : line[..brace];
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            if (brace >= 0 && close > brace)
            {
                foreach (var pair in SplitLabels(line[(brace + 1)..close]))
                {
                    var eq = pair.IndexOf('=', StringComparison.Ordinal);
                    if (eq > 0)
                    {
                        labels[pair[..eq]] = pair[(eq + 1)..].Trim('"');
                    }
                }
            }

            var rest = (close >= 0 ? line[(close + 1)..] : line[name.Length..]).Trim().Split(' ');
            if (double.TryParse(rest[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                result._samples.Add((name, labels, value));
            }
        }

        return result;
    }

    /// <summary>The sum of the samples named <paramref name="name"/> whose labels include <paramref name="match"/>.</summary>
    public double Sum(string name, params (string Key, string Value)[] match) =>
        _samples.Where(s => s.Name == name && match.All(m => s.Labels.TryGetValue(m.Key, out var v) && v == m.Value)).Sum(s => s.Value);

    /// <summary>The distinct values of <paramref name="label"/> on samples named <paramref name="name"/>.</summary>
    public IEnumerable<string> LabelValues(string name, string label) =>
        _samples.Where(s => s.Name == name && s.Labels.ContainsKey(label)).Select(s => s.Labels[label]).Distinct();

    private static IEnumerable<string> SplitLabels(string labels)
    {
        var start = 0;
        var quoted = false;
        for (var i = 0; i < labels.Length; i++)
        {
            if (labels[i] == '"' && (i == 0 || labels[i - 1] != '\\'))
            {
                quoted = !quoted;
            }
            else if (labels[i] == ',' && !quoted)
            {
                yield return labels[start..i];
                start = i + 1;
            }
        }

        if (start < labels.Length)
        {
            yield return labels[start..];
        }
    }
}
