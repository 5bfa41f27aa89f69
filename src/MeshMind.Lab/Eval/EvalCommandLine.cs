using System.CommandLine;
using System.Globalization;

namespace MeshMind.Lab.Eval;

/// <summary><c>meshmind eval</c>'s options.</summary>
internal static class EvalCommandLine
{
    public static Command Create()
    {
        var node = new Option<string>("--node") { Description = "The node to evaluate the mesh through (its web address)", HelpName = "URL" };
        var key = new Option<string>("--key") { Description = $"An API key of that node (or set {EvalOptions.KeyVariable}, which keeps it out of the process list)", HelpName = "KEY" };
        var lab = new Option<string>("--lab") { Description = "A lab's lab.json (from `meshmind lab --dir DIR`): every node is sampled, the first is the entry", HelpName = "DIR/lab.json" };
        var duration = new Option<string>("--duration") { Description = "Length of the load phase (after a short idle phase): 90, 90s, 5m", DefaultValueFactory = _ => "60s", HelpName = "D" };
        var output = new Option<string>("--out") { Description = "Where results.json, the CSV files and report.html go", DefaultValueFactory = _ => "meshmind-eval", HelpName = "DIR" };
        var churn = new Option<bool>("--churn") { Description = "With --lab: kill two nodes during the load (the lab restarts them) and measure recovery" };
        var chats = new Option<int>("--chats") { Description = "Chats kept in flight at once", DefaultValueFactory = _ => 2, HelpName = "N" };
        var compare = new Option<string[]>("--compare") { Description = "Put two runs' results.json side by side in DIR/compare.html instead of evaluating", HelpName = "A.json B.json", Arity = new ArgumentArity(2, 2), AllowMultipleArgumentsPerToken = true };
        var progressJson = new Option<bool>("--progress-json")
        {
            Description = "For programs (a node's Evaluate screen): progress as one JSON line a second on standard output, and stop (with a partial report) when standard input closes",
        };
        var command = new Command("eval", "Measure a mesh through a node's API (latency, availability under churn, bandwidth, CPU and memory); writes DIR/results.json, CSV files and DIR/report.html.")
        {
            node, key, lab, duration, output, churn, chats, compare, progressJson,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            if (result.GetValue(compare) is { Length: 2 } pair)
            {
                return await Report.CompareWriter.RunAsync(pair[0], pair[1], result.GetValue(output)!, Console.Out, Console.Error);
            }

            if (!TryDuration(result.GetValue(duration)!, out var length))
            {
                await Console.Error.WriteLineAsync($"meshmind eval: --duration: '{result.GetValue(duration)}' is not a duration (90, 90s, 5m, 1h)");
                return 2;
            }

            return await EvalRunner.RunAsync(new EvalOptions
            {
                Node = result.GetValue(node),
                Key = result.GetValue(key) ?? Environment.GetEnvironmentVariable(EvalOptions.KeyVariable),
                Lab = result.GetValue(lab),
                Duration = length,
                Out = result.GetValue(output)!,
                Churn = result.GetValue(churn),
                Chats = result.GetValue(chats),
                ProgressJson = result.GetValue(progressJson),
            }, Console.Out, Console.Error, cancellationToken);
        });
        return command;
    }

    /// <summary>Seconds, or a number with s, m or h.</summary>
    public static bool TryDuration(string text, out TimeSpan duration)
    {
        var unit = text.Length > 0 && char.IsAsciiLetter(text[^1]) ? text[^1] : 's';
        var number = char.IsAsciiLetter(text.Length > 0 ? text[^1] : ' ') ? text[..^1] : text;
        var ok = double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0 && unit is 's' or 'm' or 'h';
        duration = ok ? TimeSpan.FromSeconds(value * (unit == 'h' ? 3600 : unit == 'm' ? 60 : 1)) : TimeSpan.Zero;
        return ok;
    }
}
