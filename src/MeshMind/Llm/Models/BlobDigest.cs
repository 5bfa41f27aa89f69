namespace MeshMind.Llm.Models;

/// <summary>Ollama's blob digests: <c>sha256:</c> and 64 lowercase hex digits; on disk <c>blobs/sha256-&lt;hex&gt;</c>.</summary>
internal static class BlobDigest
{
    public const string Prefix = "sha256:";

    /// <summary>Whether <paramref name="digest"/> is a well-formed digest (the only form ever made into a path).</summary>
    public static bool IsValid(string? digest) =>
        digest is { Length: 71 } && digest.StartsWith(Prefix, StringComparison.Ordinal) && Infrastructure.Blocks.BlockList.IsSha256Hex(digest[Prefix.Length..]);

    /// <summary>The 64 hex digits of a valid digest.</summary>
    public static string Hex(string digest) => digest[Prefix.Length..];

    /// <summary>The blob's file name in Ollama's <c>blobs/</c> folder.</summary>
    public static string FileName(string digest) => "sha256-" + Hex(digest);

    /// <summary>The first 12 hex digits, as Ollama shows a layer in its progress.</summary>
    public static string Short(string digest) => Hex(digest)[..12];
}
