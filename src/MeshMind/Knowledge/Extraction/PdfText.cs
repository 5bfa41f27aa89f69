using System.Text;
using UglyToad.PdfPig;

namespace MeshMind.Knowledge.Extraction;

/// <summary>The text of a PDF's pages (PdfPig), for the index and for a chat's attached file.</summary>
internal static class PdfText
{
    /// <summary>The pages' text up to about <paramref name="maxCharacters"/>, or null when the bytes are not a readable PDF.</summary>
    public static string? Extract(byte[] content, int maxCharacters)
    {
        try
        {
            using var document = PdfDocument.Open(content);
            var text = new StringBuilder();
            foreach (var page in document.GetPages())
            {
                text.AppendLine(page.Text);
                if (text.Length >= maxCharacters)
                {
                    break;
                }
            }

            return text.ToString().Trim();
        }
        catch (Exception)
        {
            // PdfPig throws many kinds for a damaged or encrypted file: all mean "no text from it".
            return null;
        }
    }
}
