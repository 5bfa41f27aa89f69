using System.Text;
using MeshMind.Knowledge.Extraction;

namespace MeshMind.Tests.Knowledge;

public sealed class TextExtractorTests
{
    [Theory]
    [InlineData("notes.txt", "Churn fell to 3% in Q3.")]
    [InlineData("README.md", "# Q3\n\n- churn: **3%**")]
    [InlineData("main.cs", "var churn = 0.03; // Q3")]
    public void Extract_TextMarkdownAndCode_AreTheirOwnText(string name, string content)
    {
        Assert.Equal(content, TextExtractor.Extract(name, Encoding.UTF8.GetBytes(content), 10_000));
    }

    [Fact]
    public void Extract_Html_KeepsWhatAReaderSees()
    {
        var html = """
            <!DOCTYPE html><html><head><title>Q3 report</title><style>p { color: red }</style>
            <script>var secret = "not text";</script></head>
            <body><!-- draft --><h1>Churn</h1><p>Churn fell to&nbsp;3% &amp; revenue grew.</p></body></html>
            """;

        var text = TextExtractor.Extract("report.html", Encoding.UTF8.GetBytes(html), 10_000);

        Assert.Equal("Q3 report Churn Churn fell to 3% & revenue grew.", text);
    }

    [Fact]
    public void Extract_Binary_HasNoText()
    {
        Assert.Null(TextExtractor.Extract("photo.jpg", [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 0x4A, 0x46], 10_000));
    }

    [Fact]
    public void Extract_LongText_StopsAtTheLimit()
    {
        var text = TextExtractor.Extract("big.txt", Encoding.UTF8.GetBytes(new string('é', 5_000)), 1_000);

        Assert.Equal(new string('é', 1_000), text);
    }

    [Fact]
    public void Extract_Pdf_GivesItsPagesText()
    {
        var pdf = MinimalPdf("Quarterly churn fell");

        var text = TextExtractor.Extract("report.pdf", pdf, 10_000);

        Assert.Contains("Quarterly churn fell", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Extract_DamagedPdf_HasNoText()
    {
        Assert.Null(TextExtractor.Extract("broken.pdf", "%PDF-1.4 not really"u8.ToArray(), 10_000));
    }

    /// <summary>A one-page PDF showing <paramref name="line"/> in Helvetica, with a correct cross-reference table.</summary>
    internal static byte[] MinimalPdf(string line)
    {
        var stream = $"BT /F1 12 Tf 72 720 Td ({line}) Tj ET";
        string[] objects =
        [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            $"<< /Length {stream.Length} >>\nstream\n{stream}\nendstream",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ];
        var pdf = new StringBuilder("%PDF-1.4\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Length; i++)
        {
            offsets.Add(pdf.Length);
            pdf.Append($"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }

        var xref = pdf.Length;
        pdf.Append($"xref\n0 {objects.Length + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets)
        {
            pdf.Append($"{offset:D10} 00000 n \n");
        }

        pdf.Append($"trailer\n<< /Size {objects.Length + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.ASCII.GetBytes(pdf.ToString());
    }
}
