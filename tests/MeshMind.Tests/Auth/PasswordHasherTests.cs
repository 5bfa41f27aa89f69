using MeshMind.Auth;

namespace MeshMind.Tests.Auth;

public sealed class PasswordHasherTests
{
    // Fewer iterations keep unit tests fast; the format and the algorithm are the same.
    private const int Iterations = 1_000;

    [Fact]
    public void Verify_SamePassword_True()
    {
        var hash = PasswordHasher.Hash("s3cret password", Iterations);

        Assert.True(PasswordHasher.Verify("s3cret password", hash));
    }

    [Fact]
    public void Verify_OtherPassword_False()
    {
        var hash = PasswordHasher.Hash("s3cret password", Iterations);

        Assert.False(PasswordHasher.Verify("s3cret passwore", hash));
        Assert.False(PasswordHasher.Verify("", hash));
    }

    [Fact]
    public void Hash_SamePasswordTwice_DifferentSaltAndHash()
    {
        var first = PasswordHasher.Hash("same", Iterations);
        var second = PasswordHasher.Hash("same", Iterations);

        Assert.NotEqual(first, second);
        Assert.DoesNotContain("same", first, StringComparison.Ordinal);
    }

    [Fact]
    public void Hash_Default_UsesOwaspIterationCountInSelfDescribingFormat()
    {
        var parts = PasswordHasher.Hash("x").Split('$');

        Assert.Equal("pbkdf2-sha256", parts[0]);
        Assert.Equal("600000", parts[1]);
        Assert.Equal(16, Convert.FromBase64String(parts[2]).Length);
        Assert.Equal(32, Convert.FromBase64String(parts[3]).Length);
    }

    [Theory]
    [InlineData("")]
    [InlineData("plain")]
    [InlineData("pbkdf2-sha256$abc$AAAA$AAAA")]
    [InlineData("pbkdf2-sha256$1000$!!notbase64$AAAA")]
    [InlineData("pbkdf2-sha256$1000$AAAA$")]
    [InlineData("md5$1000$AAAA$AAAA")]
    public void Verify_MalformedHash_FalseNotException(string encoded) => Assert.False(PasswordHasher.Verify("x", encoded));

    [Fact]
    public void Verify_IterationCountTampered_False()
    {
        var parts = PasswordHasher.Hash("pw", Iterations).Split('$');
        parts[1] = "999";

        Assert.False(PasswordHasher.Verify("pw", string.Join('$', parts)));
    }

    [Fact]
    public void Generate_TwentyUnambiguousCharacters_Distinct()
    {
        var a = PasswordHasher.Generate();
        var b = PasswordHasher.Generate();

        Assert.Equal(20, a.Length);
        Assert.NotEqual(a, b);
        Assert.DoesNotContain(a, c => "0O1lI".Contains(c, StringComparison.Ordinal));
    }
}
