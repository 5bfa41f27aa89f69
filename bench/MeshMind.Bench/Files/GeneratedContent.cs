using System.Net;
using System.Security.Cryptography;

namespace MeshMind.Bench.Files;

/// <summary>
/// A request body of <c>blocks</c> × 1 MiB made on the fly (one random block written again and again), so a 1 GiB upload
/// never sits in memory. Its SHA-256 is worked out before the upload, so hashing costs nothing while it is timed.
/// </summary>
internal sealed class GeneratedContent : HttpContent
{
    public const int BlockSize = 1 << 20;

    private readonly byte[] _block = RandomNumberGenerator.GetBytes(BlockSize);
    private readonly int _blocks;

    public GeneratedContent(int blocks)
    {
        _blocks = blocks;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (var i = 0; i < blocks; i++)
        {
            hash.AppendData(_block);
        }

        Sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
        Headers.ContentType = new("application/octet-stream");
    }

    public string Sha256 { get; }

    public long Length => (long)_blocks * BlockSize;

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        for (var i = 0; i < _blocks; i++)
        {
            await stream.WriteAsync(_block, cancellationToken);
        }
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override bool TryComputeLength(out long length)
    {
        length = Length;
        return true;
    }
}
