using System.Text;

namespace MeshMind.Hosting;

/// <summary>A program and its arguments, as <c>meshmind service</c> and <c>meshmind firewall</c> run them (never through a shell).</summary>
internal sealed record ExternalCommand(string File, IReadOnlyList<string> Arguments)
{
    /// <summary>Text fed to the program's standard input (an nftables ruleset), or null for none.</summary>
    public string? Input { get; init; }

    public ExternalCommand(string file, params string[] arguments)
        : this(file, (IReadOnlyList<string>)arguments)
    {
    }

    /// <summary>The command as a person would type it in a POSIX shell (Linux, macOS).</summary>
    public string ToShell() => string.Join(' ', new[] { File }.Concat(Arguments).Select(QuoteShell));

    /// <summary>The command as a person would type it at a Windows prompt.</summary>
    public string ToWindows() => string.Join(' ', new[] { File }.Concat(Arguments).Select(QuoteWindows));

    public override string ToString() => OperatingSystem.IsWindows() ? ToWindows() : ToShell();

    /// <summary>Single-quotes a word unless it is made only of characters a shell leaves alone.</summary>
    public static string QuoteShell(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=,@%+".Contains(c, StringComparison.Ordinal))
            ? word
            : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>Quotes a word as Windows programs parse their command line (the C runtime's rules, which sc.exe and icacls use).</summary>
    public static string QuoteWindows(string word)
    {
        if (word.Length > 0 && !word.Any(c => c is ' ' or '\t' or '"'))
        {
            return word;
        }

        var quoted = new StringBuilder("\"");
        var backslashes = 0;
        foreach (var c in word)
        {
            if (c == '\\')
            {
                backslashes++;
                continue;
            }

            // Backslashes are literal unless they precede a quote: then each is doubled, and the quote escaped.
            quoted.Append('\\', c == '"' ? (backslashes * 2) + 1 : backslashes).Append(c);
            backslashes = 0;
        }

        return quoted.Append('\\', backslashes * 2).Append('"').ToString();
    }
}
