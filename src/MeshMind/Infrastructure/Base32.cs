namespace MeshMind.Infrastructure;

/// <summary>
/// Crockford's Base32 (<see href="https://www.crockford.com/base32.html"/>): digits and capital letters without I, L, O and U,
/// so a code read aloud or typed from a screen survives the usual mix-ups. Decoding ignores case, dashes and white space and
/// reads I and L as 1 and O as 0. Capitals and digits are also what a QR code's alphanumeric mode packs densest.
/// </summary>
internal static class Base32
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    public static string Encode(ReadOnlySpan<byte> data)
    {
        var chars = new char[((data.Length * 8) + 4) / 5];
        var buffer = 0;
        var bits = 0;
        var index = 0;
        foreach (var b in data)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                bits -= 5;
                chars[index++] = Alphabet[(buffer >> bits) & 31];
            }
        }

        if (bits > 0)
        {
            chars[index++] = Alphabet[(buffer << (5 - bits)) & 31];
        }

        return new string(chars, 0, index);
    }

    /// <summary>The bytes <paramref name="text"/> encodes, or null when it holds a character that is not Base32.</summary>
    /// <remarks>Trailing bits that do not fill a byte are dropped, as the encoder pads with zeros.</remarks>
    public static byte[]? TryDecode(ReadOnlySpan<char> text)
    {
        var output = new List<byte>((text.Length * 5 / 8) + 1);
        var buffer = 0;
        var bits = 0;
        foreach (var c in text)
        {
            if (c is '-' || char.IsWhiteSpace(c))
            {
                continue;
            }

            var value = Value(c);
            if (value < 0)
            {
                return null;
            }

            buffer = ((buffer << 5) | value) & 0xFFFF;
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                output.Add((byte)(buffer >> bits));
            }
        }

        return [.. output];
    }

    private static int Value(char c)
    {
        var upper = char.ToUpperInvariant(c);
        return upper switch
        {
            'O' => 0,
            'I' or 'L' => 1,
            _ => Alphabet.IndexOf(upper, StringComparison.Ordinal),
        };
    }
}
