using System.Security.Cryptography;
using MeshMind.Infrastructure.Blocks;

namespace MeshMind.Tests.Infrastructure;

public sealed class BlockVerifierTests
{
    private static readonly byte[] s_content = RandomNumberGenerator.GetBytes(3 * 4096 + 100);

    private static Task<BlockList> ListAsync() => BlockList.ComputeAsync(new MemoryStream(s_content), 4096, TestContext.Current.CancellationToken);

    [Fact]
    public async Task ComputeAsync_BlocksOfTheSize_LastOneShort()
    {
        var list = await ListAsync();

        Assert.Equal(s_content.Length, list.Size);
        Assert.Equal(4, list.Blocks.Count);
        Assert.Equal(100, list.LengthOf(3));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(s_content.AsSpan(4096, 4096))), list.Blocks[1]);
        Assert.True(list.IsWellFormed());
        Assert.False((list with { Blocks = [.. list.Blocks.Take(3)] }).IsWellFormed());
        Assert.False((list with { Blocks = [.. list.Blocks.Take(3), "NOT-HEX"] }).IsWellFormed());
    }

    [Fact]
    public async Task Append_InOddPieces_PassesOnEveryBlockOnceInOrder()
    {
        var list = await ListAsync();
        var verifier = new BlockVerifier(list, 0);
        var passed = new MemoryStream();

        for (var offset = 0; offset < s_content.Length; offset += 1000)
        {
            verifier.Append(s_content.AsSpan(offset, Math.Min(1000, s_content.Length - offset)), block => passed.Write(block.Span));
        }

        Assert.True(verifier.IsComplete);
        Assert.Equal(s_content, passed.ToArray());
        Assert.Throws<InvalidDataException>(() => verifier.Append([1], _ => { }));
    }

    [Fact]
    public async Task Append_BadByte_ThrowsForThatBlock_KeepsTheBlocksBefore()
    {
        var list = await ListAsync();
        var bad = s_content.ToArray();
        bad[2 * 4096 + 7] ^= 1;
        var verifier = new BlockVerifier(list, 4096);
        var passed = 0;

        var ex = Assert.Throws<BlockMismatchException>(() => verifier.Append(bad.AsSpan(4096), _ => passed++));

        Assert.Equal(2, ex.Index);
        Assert.Equal(2 * 4096, ex.Offset);
        Assert.Equal(1, passed);
        Assert.Equal(2 * 4096, verifier.Verified);
        Assert.Throws<ArgumentOutOfRangeException>(() => new BlockVerifier(list, 10));
    }

    [Fact]
    public async Task BlockListCache_ComputesOncePerFileVersion()
    {
        using var temp = new Support.TempDirectory();
        var path = temp.Combine("blob");
        await File.WriteAllBytesAsync(path, s_content, TestContext.Current.CancellationToken);
        var cache = new BlockListCache();

        var first = await cache.GetAsync(path, TestContext.Current.CancellationToken);
        var again = await cache.GetAsync(path, TestContext.Current.CancellationToken);
        await File.WriteAllBytesAsync(path, s_content.AsMemory(0, 5000).ToArray(), TestContext.Current.CancellationToken);
        var changed = await cache.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Same(first, again);
        Assert.Equal(2, cache.Computed);
        Assert.Equal(5000, changed.Size);
    }
}
