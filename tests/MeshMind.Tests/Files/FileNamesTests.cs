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
}
