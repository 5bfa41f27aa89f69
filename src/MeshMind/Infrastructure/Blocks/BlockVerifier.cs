using System.Security.Cryptography;

namespace MeshMind.Infrastructure.Blocks;

/// <summary>
/// Checks content against a <see cref="BlockList"/> as it streams in, from a block boundary on: bytes are gathered into the
/// current block, and each block is hashed and compared the moment it is complete. <see cref="Verified"/> only ever covers
/// whole blocks that matched, so it is the length of a partial download that can be kept.
/// </summary>
internal sealed class BlockVerifier
{
    private readonly BlockList _list;
    private readonly byte[] _block;
    private int _filled;

    /// <param name="list">What the content must hash to.</param>
    /// <param name="start">Where the bytes that will be appended start: a block boundary (or the end).</param>
    public BlockVerifier(BlockList list, long start)
    {
        if (start < 0 || start > list.Size || (start % list.BlockSize != 0 && start != list.Size))
        {
            throw new ArgumentOutOfRangeException(nameof(start), start, "a verified transfer starts at a block boundary");
        }

        _list = list;
        _block = new byte[list.BlockSize];
        Verified = start;
    }

    /// <summary>How many bytes from the start are in whole blocks that matched.</summary>
    public long Verified { get; private set; }

    /// <summary>Whether every block has matched.</summary>
    public bool IsComplete => Verified == _list.Size;

    /// <summary>
    /// Takes the next bytes. Each block they complete that matches is passed to <paramref name="verifiedBlock"/> (valid only
    /// during the call); a block that does not match throws <see cref="BlockMismatchException"/> and nothing of it is passed on.
    /// </summary>
    /// <exception cref="InvalidDataException">More bytes than the content has.</exception>
    public void Append(ReadOnlySpan<byte> data, Action<ReadOnlyMemory<byte>> verifiedBlock)
    {
        while (data.Length > 0)
        {
            if (IsComplete)
            {
                throw new InvalidDataException($"more bytes than the {_list.Size} the block list describes");
            }

            var index = (int)(Verified / _list.BlockSize);
            var length = _list.LengthOf(index);
            var take = Math.Min(length - _filled, data.Length);
            data[..take].CopyTo(_block.AsSpan(_filled));
            _filled += take;
            data = data[take..];
            if (_filled == length)
            {
                Check(index, _block.AsSpan(0, length));
                verifiedBlock(_block.AsMemory(0, length));
                Verified += length;
                _filled = 0;
            }
        }
    }

    /// <summary>Whether <paramref name="block"/> is block <paramref name="index"/> of <paramref name="list"/>.</summary>
    public static bool Matches(BlockList list, int index, ReadOnlySpan<byte> block)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(block, hash);
        return block.Length == list.LengthOf(index) && Convert.ToHexStringLower(hash) == list.Blocks[index];
    }

    private void Check(int index, ReadOnlySpan<byte> block)
    {
        if (!Matches(_list, index, block))
        {
            _filled = 0;
            throw new BlockMismatchException(index, _list.OffsetOf(index));
        }
    }
}
