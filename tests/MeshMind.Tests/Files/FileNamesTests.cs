using System.Globalization;
using System.Text;
using MeshMind.Files.Store;

namespace MeshMind.Tests.Files;

public sealed class FileNamesTests
{
    [Theory]
    [InlineData("report.pdf")]
    [InlineData("my notes (v2).txt")]
    [InlineData("données.csv")]
    [InlineData("..hidden")]
    [InlineData("console.log")]
    [InlineData("COM10.txt")]
    public void PlainNames_AreAccepted(string name) => Assert.Equal(name, FileNames.Check(name).Name);

    [Theory]
    [InlineData("../x")]
    [InlineData("..\\x")]
    [InlineData("C:\\x")]
    [InlineData("/etc/passwd")]
    [InlineData("x:ads")]
    [InlineData("CON")]
    [InlineData("con.txt")]
    [InlineData("NUL")]
    [InlineData("COM1.log")]
    [InlineData("LPT9")]
    [InlineData("a.")]
    [InlineData("a ")]
    [InlineData(" a")]
    [InlineData("bell\a.txt")]
    [InlineData("line\nbreak")]
    [InlineData("tab\t.txt")]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("")]
    [InlineData("a*b")]
    [InlineData("what?.txt")]
    [InlineData("pipe|name")]
    public void DangerousNames_AreRefusedWithAReason(string name)
    {
        var (accepted, error) = FileNames.Check(name);

        Assert.Null(accepted);
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Fact]
    public void NamesLongerThan255Bytes_AreRefused_CountingUtf8Bytes()
    {
        Assert.NotNull(FileNames.Check(new string('a', 255)).Name);
        Assert.Null(FileNames.Check(new string('a', 256)).Name);
        Assert.Null(FileNames.Check(new string('é', 128)).Name); // 256 bytes in UTF-8
        Assert.Null(FileNames.Check(new string('a', 300)).Name);
    }

    [Fact]
    public void LoneSurrogate_IsRefused() => Assert.Null(FileNames.Check("bad\ud800.txt").Name);

    [Theory]
    [InlineData("cafe\u0301.txt", "caf\u00e9.txt")] // e + combining acute, as macOS spells it
    [InlineData("A\u030angstr\u00f6m.txt", "\u00c5ngstr\u00f6m.txt")]
    [InlineData("\u1100\u1161.txt", "\uac00.txt")] // Hangul jamo compose to one syllable
    [InlineData("\u2126.txt", "\u03a9.txt")] // the ohm sign is a Greek omega in NFC
    public void NfdAndNfcSpellings_BecomeOneName(string decomposed, string composed)
    {
        Assert.NotEqual(composed, decomposed);

        Assert.Equal(composed, FileNames.Check(decomposed).Name);
        Assert.Equal(composed, FileNames.Check(composed).Name);
    }

    [Theory]
    [InlineData("caf\u00e9.txt")]
    [InlineData("\u65e5\u672c\u8a9e.txt")]
    [InlineData("\u0645\u0644\u0641.pdf")]
    [InlineData("emoji \ud83d\ude80.txt")]
    public void NamesAlreadyInNfc_AreUnchanged(string name) => Assert.Equal(name, FileNames.Check(name).Name);

    [Theory]
    [InlineData("invoice\u202Etxt.exe", "U+202E")] // shows as "invoiceexe.txt"
    [InlineData("\u202Dreport.pdf", "U+202D")]
    [InlineData("photo\u202A.jpg", "U+202A")]
    [InlineData("x\u202B.txt", "U+202B")]
    [InlineData("x\u202C.txt", "U+202C")]
    [InlineData("x\u2066.txt", "U+2066")]
    [InlineData("x\u2067.txt", "U+2067")]
    [InlineData("x\u2068.txt", "U+2068")]
    [InlineData("x\u2069.txt", "U+2069")]
    [InlineData("x\u200E.txt", "U+200E")]
    [InlineData("x\u200F.txt", "U+200F")]
    [InlineData("x\u061C.txt", "U+061C")]
    [InlineData("pay\u200Bpal.pdf", "U+200B")]
    [InlineData("a\u200Cb.txt", "U+200C")]
    [InlineData("a\u200Db.txt", "U+200D")]
    [InlineData("a\u2060b.txt", "U+2060")]
    [InlineData("\uFEFFnotes.txt", "U+FEFF")]
    [InlineData("a\u180Eb.txt", "U+180E")]
    [InlineData("soft\u00ADhyphen.txt", "U+00AD")]
    [InlineData("tag\U000E0041.txt", "U+E0041")]
    [InlineData("line\u2028sep.txt", "U+2028")]
    [InlineData("para\u2029sep.txt", "U+2029")]
    [InlineData("\u3164.txt", "U+3164")] // Hangul filler: a "blank" letter
    public void SpoofingCharacters_AreRefusedNamingTheCharacter(string name, string codePoint)
    {
        var (accepted, error) = FileNames.Check(name);

        Assert.Null(accepted);
        Assert.Contains(codePoint, error, StringComparison.Ordinal);
    }

    /// <summary>
    /// Every format (Cf) code point in Unicode, and the line and paragraph separators, at the start, in the middle and at the
    /// end of an otherwise good name: all refused (the property over the whole repertoire rather than a sample).
    /// </summary>
    [Fact]
    public void EveryInvisibleFormatCharacter_AnywhereInAName_IsRefused()
    {
        var invisible = Enumerable.Range(0, 0x110000)
            .Where(Rune.IsValid)
            .Select(cp => new Rune(cp))
            .Where(r => Rune.GetUnicodeCategory(r) is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
            .ToList();
        Assert.True(invisible.Count > 150, $"only {invisible.Count} format characters found");

        var accepted = (from r in invisible
                        from name in new[] { r + "report.txt", "rep" + r + "ort.txt", "report.txt" + r, "report" + r + ".txt" }
                        where FileNames.Check(name).Name is not null
                        select $"U+{r.Value:X4} in '{name}'").ToList();

        Assert.Empty(accepted);
    }

    [Theory]
    [InlineData("\u05e9\u05dc\u05d5\u05dd.txt")] // Hebrew letters are right-to-left by themselves, no control needed
    [InlineData("\u0645\u0644\u0641 2024.pdf")]
    [InlineData("no\u00a0break space.txt")]
    [InlineData("\u4e2d\u6587\u3000\u6587\u4ef6.txt")] // an ideographic space is visible as a space
    public void VisibleRightToLeftAndSpacedNames_AreStillAccepted(string name) => Assert.Equal(name, FileNames.Check(name).Name);
}
