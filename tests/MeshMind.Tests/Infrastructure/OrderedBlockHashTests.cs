using System.Security.Cryptography;
using MeshMind.Infrastructure.Blocks;

namespace MeshMind.Tests.Infrastructure;

/// <summary>The whole-file hash of a file whose blocks are written in any order.</summary>
public sealed class OrderedBlockHashTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Finish_BlocksAddedOutOfOrder_HashIsTheWholeFilesOnceAllAreIn()
    {
        var content = new byte[5 * 4096 + 123];
        new Random(3).NextBytes(content);
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(path, content, Ct);
            await using var stream = File.OpenRead(path);
            var list = await BlockList.ComputeAsync(stream, 4096, Ct);
            await using var hash = new OrderedBlockHash(stream.SafeFileHandle, list);
            foreach (var index in new[] { 3, 0, 5, 1, 4, 2 })
            {
                hash.Add(index);
            }

            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), await hash.FinishAsync());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Finish_ABlockNeverAdded_FinishesWithNull()
    {
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(path, new byte[3 * 4096], Ct);
            await using var stream = File.OpenRead(path);
            var list = await BlockList.ComputeAsync(stream, 4096, Ct);
            await using var hash = new OrderedBlockHash(stream.SafeFileHandle, list);
            hash.Add(0);
            hash.Add(2);

            Assert.Null(await hash.FinishAsync());
        }
        finally
        {
            File.Delete(path);
        }
    }
}
