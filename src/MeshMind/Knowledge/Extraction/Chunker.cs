namespace MeshMind.Knowledge.Extraction;

/// <summary>
/// Cuts a text into overlapping chunks of about <c>size</c> characters, at whitespace where there is some near the cut, so a
/// sentence that straddles a cut is whole in one of the two chunks.
/// </summary>
internal static class Chunker
{
    /// <summary>A chunk: where it starts in the text, and its text.</summary>
    internal readonly record struct Chunk(int Start, string Text);

    /// <param name="text">The whole text.</param>
    /// <param name="size">The most characters in a chunk.</param>
    /// <param name="overlap">How many characters a chunk repeats from the end of the one before it (less than <paramref name="size"/>).</param>
    public static IEnumerable<Chunk> Split(string text, int size, int overlap)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 2);
        ArgumentOutOfRangeException.ThrowIfNegative(overlap);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(overlap, size);
        var start = SkipSpace(text, 0);
        while (start < text.Length)
        {
            var end = Math.Min(text.Length, start + size);
            if (end < text.Length)
            {
                // Cut at the last whitespace in the chunk's final fifth, if any; otherwise mid-word.
                var space = text.LastIndexOfAny(s_spaces, end - 1, Math.Max(1, size / 5));
                if (space > start)
                {
                    end = space;
                }
            }

            var chunk = text[start..end].Trim();
            if (chunk.Length > 0)
            {
                yield return new Chunk(start, chunk);
            }

            if (end >= text.Length)
            {
                yield break;
            }

            // The next chunk starts `overlap` characters back, at the start of a word, and always after this one's start.
            var next = end - overlap;
            if (overlap > 0 && next > start)
            {
                var space = text.IndexOfAny(s_spaces, next, end - next);
                next = space >= 0 ? space : next;
            }

            start = SkipSpace(text, Math.Max(next, start + 1));
        }
    }

    private static readonly char[] s_spaces = [' ', '\n', '\r', '\t'];

    private static int SkipSpace(string text, int index)
    {
        while (index < text.Length && char.IsWhiteSpace(text[index]))
        {
            index++;
        }

        return index;
    }
}
