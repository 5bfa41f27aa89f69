using System.Text;
using CsCheck;

namespace MeshMind.Testing.Fuzz;

/// <summary>Byte-level mutations of valid examples (flip, set, insert, delete, cut, splice a token), as generators.</summary>
public static class Mutations
{
    /// <summary>Fragments that make parsers take their rarer paths: JSON structure, escapes, big and odd numbers, deep nesting.</summary>
    private static readonly byte[][] s_tokens =
    [
        .. new[]
        {
            "{", "}", "[", "]", "\"", ":", ",", "null", "true", "-0", "1e999", "-9223372036854775809", "18446744073709551616",
            "0.0000000000000000000001", "\"\\u0000\"", "\"\\ud800\"", "\"\\uDC00\\uD800\"", "\\", "\"type\":", "\"type\":\"ping\"",
            "\"$type\":\"x\"", "\"t\":\"ONLINE\"", new string('[', 70), new string('{', 20), "\"" + new string('a', 300) + "\"",
            "\r\n", "\r\n\r\n", "--", "; ", "=", "*", "''", "%", "%ff", "%c0%af", "\u202e", "\u200b", "\ufeff", "é", "e\u0301",
            "\U0001F600", "..", "/", "\0",
        }.Select(Encoding.UTF8.GetBytes),
        [0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xef, 0xbb, 0xbf],
    ];

    /// <summary>A valid example from <paramref name="valid"/>, left as it is or with one to <paramref name="maxMutations"/> mutations.</summary>
    public static Gen<byte[]> Of(Gen<byte[]> valid, int maxMutations = 6) =>
        Gen.Select(valid, Gen.Select(Gen.Int[0, 6], Gen.Int[0, int.MaxValue], Gen.Int[0, int.MaxValue]).Array[0, maxMutations],
            (bytes, edits) =>
            {
                var result = new List<byte>(bytes);
                foreach (var (kind, position, value) in edits)
                {
                    Apply(result, kind, position, value);
                }

                return result.ToArray();
            });

    private static void Apply(List<byte> bytes, int kind, int position, int value)
    {
        var at = bytes.Count == 0 ? 0 : position % (bytes.Count + 1);
        switch (kind)
        {
            case 0 when at < bytes.Count:
                bytes[at] ^= (byte)(1 << (value % 8));
                break;
            case 1 when at < bytes.Count:
                bytes[at] = (byte)value;
                break;
            case 2:
                bytes.Insert(at, (byte)value);
                break;
            case 3 when at < bytes.Count:
                bytes.RemoveRange(at, Math.Min(1 + (value % 16), bytes.Count - at));
                break;
            case 4:
                bytes.RemoveRange(at, bytes.Count - at);
                break;
            case 5:
                bytes.InsertRange(at, s_tokens[value % s_tokens.Length]);
                break;
            case 6 when bytes.Count > 0:
                // Repeat a slice: long runs, duplicated fields, nested copies.
                var length = Math.Min(1 + (value % 64), bytes.Count - Math.Min(at, bytes.Count - 1));
                var slice = bytes.GetRange(Math.Min(at, bytes.Count - 1), length);
                for (var i = 0; i < 1 + (value % 5); i++)
                {
                    bytes.InsertRange(at, slice);
                }

                break;
        }
    }
}
