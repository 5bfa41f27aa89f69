namespace MeshMind.Infrastructure.Blocks;

/// <summary><see cref="Count"/> consecutive blocks of a <see cref="BlockList"/>, from block <see cref="First"/>.</summary>
internal readonly record struct BlockRange(int First, int Count)
{
    /// <summary>The block after the last one.</summary>
    public int End => First + Count;
}
