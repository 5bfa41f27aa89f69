using System.Text;

namespace MeshMind.Conversations.Chat;

/// <summary>Turns an attached file into prompt text: PDF → extracted text, text → its start, anything else → a base64 preview.</summary>
internal static class ChatFiles
{
    public const int MaxFileBytes = 32 * 1024 * 1024;
    public const int TextCharacters = 4_000;
    public const int PdfCharacters = 12_000;
    public const int BinaryPreviewBytes = 8 * 1024;

    /// <summary>The seed's system prompt for questions about a file.</summary>
    public const string FileSystemPrompt =
        "You are a helpful assistant that analyses files. The user's message includes the content of a file, or a preview of it. " +
        "Answer using that content: summarise, explain, extract facts, and say so when the preview is not enough to answer.";

    public static string Describe(string fileName, byte[] content)
    {
        if (IsPdf(fileName, content))
        {
            var text = PdfText(content);
            if (text is not null)
            {
                return $"File '{fileName}' (PDF, text extracted):\n{Truncate(text, PdfCharacters)}";
            }
        }
        else if (Knowledge.Extraction.TextExtractor.IsText(content))
        {
            return $"File '{fileName}' (text, first {TextCharacters} characters):\n{Truncate(Encoding.UTF8.GetString(content), TextCharacters)}";
        }

        var preview = Convert.ToBase64String(content, 0, Math.Min(content.Length, BinaryPreviewBytes));
        return $"File '{fileName}' ({content.Length} bytes of binary data; base64 of the first {Math.Min(content.Length, BinaryPreviewBytes)} bytes):\n{preview}";
    }

    private static bool IsPdf(string fileName, byte[] content) =>
        content.AsSpan().StartsWith("%PDF"u8) || fileName.EndsWith(".pdf", StringComparison.OrdinalIgnoreCase);

    private static string? PdfText(byte[] content) => Knowledge.Extraction.PdfText.Extract(content, PdfCharacters);

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];
}
