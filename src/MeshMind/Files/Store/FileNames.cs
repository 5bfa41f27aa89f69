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
