using System.Runtime.CompilerServices;
using System.Text;

namespace MeshMind.Files.Store;

/// <summary>
/// Which file names a node accepts: plain names that mean the same on Windows and Linux and can never reach outside the
/// store. Names are put in Unicode normalisation form C, so "é" typed as one code point (macOS and Windows differ here)
/// or as "e" and a combining accent is one name.
/// </summary>
/// <remarks>
/// The node runs with invariant globalization (no ICU, for idle memory), where <see cref="string.Normalize()"/> changes
/// nothing; NFC comes from ADRaffy.ENSNormalize's managed implementation (it passes Unicode's NormalizationTest.txt).
/// Loading its tables costs about 15 MB and 0.2 s once, so it is only loaded for a name with a code point from U+0300 up:
/// below that every code point is NFC-stable and none composes with what precedes it.
/// </remarks>
internal static class FileNames
{
    public const int MaxBytes = 255;

    private static readonly HashSet<string> s_devices = new(StringComparer.OrdinalIgnoreCase)
    {
        "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
        "COM0", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9", "COM¹", "COM²", "COM³",
        "LPT0", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9", "LPT¹", "LPT²", "LPT³",
    };

    /// <summary>The normalised name, or why it is refused.</summary>
    public static (string? Name, string? Error) Check(string? raw)
    {
        if (string.IsNullOrEmpty(raw))
        {
            return (null, "the file name is empty");
        }

        if (!IsWellFormed(raw))
        {
            return (null, "the file name is not valid Unicode");
        }

        var name = ToNfc(raw);

        if (Encoding.UTF8.GetByteCount(name) > MaxBytes)
        {
            return (null, $"the file name is longer than {MaxBytes} bytes");
        }

        if (name is "." or "..")
        {
            return (null, "'.' and '..' are not file names");
        }

        foreach (var c in name)
        {
            if (char.IsControl(c))
            {
                return (null, "the file name contains a control character");
            }

            if (c is '/' or '\\')
            {
                return (null, "the file name contains a folder separator; send the file's own name only");
            }

            if (c is ':' or '*' or '?' or '"' or '<' or '>' or '|')
            {
                return (null, $"the file name contains '{c}', which Windows does not allow");
            }
        }

        foreach (var rune in name.EnumerateRunes())
        {
            if (Invisible(rune) is { } what)
            {
                return (null, $"the file name contains U+{rune.Value:X4}, {what}; remove it");
            }
        }

        if (name.EndsWith('.') || name.EndsWith(' ') || name.StartsWith(' '))
        {
            return (null, "the file name starts or ends with a space, or ends with a dot");
        }

        var stem = name.Split('.')[0].TrimEnd();
        if (s_devices.Contains(stem))
        {
            return (null, $"'{stem}' is a reserved device name on Windows");
        }

        return (name, null);
    }

    /// <summary>
    /// The name to look a stored file up by: NFC, without the checks for new names, so a file kept before a check was
    /// added can still be downloaded and deleted. Null when it is not well-formed Unicode.
    /// </summary>
    public static string? ForLookup(string? raw) => string.IsNullOrEmpty(raw) || !IsWellFormed(raw) ? null : ToNfc(raw);

    /// <summary>
    /// What a code point that shows as nothing, or changes how the characters around it show, does to a name; null for the
    /// others. These let one name pass for another (UTS #39 excludes them from identifiers as default-ignorable or format
    /// characters; UAX #9 defines the direction controls): "invoice\u202Etxt.exe" shows as "invoiceexe.txt".
    /// </summary>
    /// <remarks>
    /// All of Unicode's format characters (Cf) are refused, zero-width joiners included: a joiner inside an emoji sequence or a
    /// Persian word is legitimate, but it is also two names that look alike, and a file name can do without it.
    /// </remarks>
    private static string? Invisible(Rune rune) => rune.Value switch
    {
        0x061C or 0x200E or 0x200F or (>= 0x202A and <= 0x202E) or (>= 0x2066 and <= 0x2069) =>
            "an invisible text-direction control that can make the name display as another (e.g. a reversed extension)",
        0x180E or (>= 0x200B and <= 0x200D) or 0x2060 or 0xFEFF =>
            "an invisible zero-width character that can make the name look like another",
        0x034F or 0x115F or 0x1160 or 0x3164 or 0xFFA0 =>
            "a character that shows as nothing and can make the name look like another",
        _ => Rune.GetUnicodeCategory(rune) switch
        {
            System.Globalization.UnicodeCategory.Format => "an invisible formatting character that can make the name look like another",
            System.Globalization.UnicodeCategory.LineSeparator or System.Globalization.UnicodeCategory.ParagraphSeparator =>
                "a line or paragraph separator",
            _ => null,
        },
    };

    /// <summary>The NFC form of a well-formed string.</summary>
    public static string ToNfc(string value) => value.AsSpan().ContainsAnyInRange('\u0300', '\uffff') ? Compose(value) : value;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static string Compose(string value) => ADRaffy.ENSNormalize.ENSNormalize.NF.NFC(value);

    private static bool IsWellFormed(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]))
            {
                if (i + 1 >= value.Length || !char.IsLowSurrogate(value[i + 1]))
                {
                    return false;
                }

                i++;
            }
            else if (char.IsLowSurrogate(value[i]))
            {
                return false;
            }
        }

        return true;
    }
}
