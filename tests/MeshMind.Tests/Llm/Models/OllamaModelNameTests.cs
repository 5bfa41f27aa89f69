using MeshMind.Llm.Models;

namespace MeshMind.Tests.Llm.Models;

public sealed class OllamaModelNameTests
{
    [Theory]
    [InlineData("llama3", "registry.ollama.ai/library/llama3/latest", "llama3:latest")]
    [InlineData("llama3:8b-q4_0", "registry.ollama.ai/library/llama3/8b-q4_0", "llama3:8b-q4_0")]
    [InlineData("someone/model.v2:tag", "registry.ollama.ai/someone/model.v2/tag", "someone/model.v2:tag")]
    [InlineData("hf.co/org/model:Q4_K_M", "hf.co/org/model/Q4_K_M", "hf.co/org/model:Q4_K_M")]
    public void Parse_ValidNames_FullPathAndDisplay(string name, string path, string display)
    {
        var parsed = OllamaModelName.Parse(name);

        Assert.NotNull(parsed);
        Assert.Equal(path.Replace('/', Path.DirectorySeparatorChar), parsed.RelativeManifestPath);
        Assert.Equal(display, parsed.Display);
    }

    [Theory]
    [InlineData("..")]
    [InlineData("../x")]
    [InlineData("a/../b")]
    [InlineData("x:..")]
    [InlineData("x:.hidden")]
    [InlineData("a/b/c/d")]
    [InlineData("na.me/model")]
    [InlineData("host:443/ns/model")]
    [InlineData("model@sha256:abc")]
    [InlineData("mo del")]
    [InlineData("model\\x")]
    [InlineData("")]
    [InlineData(null)]
    public void Parse_UnsafeOrInvalid_Null(string? name) => Assert.Null(OllamaModelName.Parse(name));

    [Theory]
    [InlineData("sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", true)]
    [InlineData("sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", false)]
    [InlineData("sha256-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", false)]
    [InlineData("sha256:../../../../etc/passwd", false)]
    [InlineData("sha256:0123", false)]
    public void BlobDigest_IsValid(string digest, bool valid) => Assert.Equal(valid, BlobDigest.IsValid(digest));
}
