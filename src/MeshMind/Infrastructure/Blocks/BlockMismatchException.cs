namespace MeshMind.Infrastructure.Blocks;

/// <summary>A block's bytes do not hash to what its <see cref="BlockList"/> says: the block is refused.</summary>
internal sealed class BlockMismatchException(int index, long offset)
    : Exception($"block {index} (at byte {offset}) does not match its SHA-256 in the block list")
{
    public int Index { get; } = index;

    public long Offset { get; } = offset;
}
