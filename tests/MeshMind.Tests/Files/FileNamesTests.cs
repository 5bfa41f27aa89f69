using MeshMind.Files;

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
}
