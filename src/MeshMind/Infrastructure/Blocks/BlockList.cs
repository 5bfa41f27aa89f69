using System.Buffers;
using System.Security.Cryptography;

namespace MeshMind.Infrastructure.Blocks;

/// <summary>
/// The SHA-256 of each <see cref="BlockSize"/>-byte block of some content (the last block may be shorter), so a ranged or
/// resumed transfer can be checked block by block as it arrives instead of only once the whole is in (issue 17).
/// </summary>
/// <param name="Size">The content's length in bytes.</param>
/// <param name="BlockSize">Bytes per block.</param>
/// <param name="Blocks">Each block's SHA-256, lowercase hex, in order.</param>
internal sealed record BlockList(long Size, int BlockSize, IReadOnlyList<string> Blocks)
{
    /// <summary>1 MiB: a lost or bad block costs at most this much to fetch again; a 4 GiB blob's list is about 270 KB of JSON.</summary>
    public const int DefaultBlockSize = 1 << 20;

    /// <summary>The most blocks a list may have (8 TiB at 1 MiB), so a list from a peer cannot ask for unbounded memory.</summary>
    public const int MaxBlocks = 1 << 23;

    /// <summary>How many blocks <paramref name="size"/> bytes make.</summary>
    public static long CountFor(long size, int blockSize) => (size + blockSize - 1) / blockSize;

    /// <summary>Where block <paramref name="index"/> starts.</summary>
    public long OffsetOf(int index) => (long)index * BlockSize;

    /// <summary>The length of block <paramref name="index"/> (the last one may be short).</summary>
    public int LengthOf(int index) => (int)Math.Min(BlockSize, Size - OffsetOf(index));

    /// <summary>
    /// Whether the list describes content of its <see cref="Size"/> at all: a sane block size, the right number of blocks, and
    /// each a SHA-256 in lowercase hex. A list that is not is refused before any byte is fetched against it.
    /// </summary>
    public bool IsWellFormed() =>
        BlockSize is >= 4096 and <= 64 << 20
        && Size >= 0
        && CountFor(Size, BlockSize) is var count && count <= MaxBlocks && Blocks.Count == count
        && Blocks.All(IsSha256Hex);

    /// <summary>Whether <paramref name="value"/> is 64 lowercase hex digits.</summary>
    public static bool IsSha256Hex(string? value) =>
        value is { Length: 64 } && value.AsSpan().IndexOfAnyExcept(s_lowerHex) < 0;

    private static readonly System.Buffers.SearchValues<char> s_lowerHex = System.Buffers.SearchValues.Create("0123456789abcdef");

    /// <summary>Hashes <paramref name="stream"/> from its current position, block by block, to its end.</summary>
    public static async Task<BlockList> ComputeAsync(Stream stream, int blockSize, CancellationToken cancellationToken)
    {
        var blocks = new List<string>();
        var buffer = ArrayPool<byte>.Shared.Rent(blockSize);
        long size = 0;
        try
        {
            while (true)
            {
                var read = await stream.ReadAtLeastAsync(buffer.AsMemory(0, blockSize), blockSize, throwOnEndOfStream: false, cancellationToken);
                if (read == 0)
                {
                    break;
                }

                blocks.Add(Convert.ToHexStringLower(SHA256.HashData(buffer.AsSpan(0, read))));
                size += read;
                if (read < blockSize)
                {
                    break;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return new BlockList(size, blockSize, blocks);
    }
}
