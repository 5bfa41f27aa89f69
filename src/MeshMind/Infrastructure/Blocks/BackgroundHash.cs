using System.Buffers;
using System.Security.Cryptography;
using System.Threading.Channels;

namespace MeshMind.Infrastructure.Blocks;

/// <summary>
/// A SHA-256 of a whole stream of blocks, worked out on another thread: <see cref="Append"/> copies a block into a pooled
/// buffer and queues it (a bounded queue: a caller that runs too far ahead waits), so hashing the whole overlaps with
/// whatever the caller does next (hashing the next block against its list, writing it).
/// </summary>
internal sealed class BackgroundHash : IAsyncDisposable
{
    private const int Depth = 8;
    private readonly Channel<(byte[] Buffer, int Length)> _blocks =
        Channel.CreateBounded<(byte[], int)>(new BoundedChannelOptions(Depth) { SingleReader = true, SingleWriter = true });

    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly Task _hashing;

    public BackgroundHash()
    {
        _hashing = Task.Run(HashAsync);
    }

    /// <summary>Queues the next bytes (copied; <paramref name="block"/> may be reused at once). Blocks while the queue is full.</summary>
    public void Append(ReadOnlySpan<byte> block)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(block.Length);
        block.CopyTo(buffer);
        if (!_blocks.Writer.TryWrite((buffer, block.Length)))
        {
            _blocks.Writer.WriteAsync((buffer, block.Length)).AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>The hash of everything appended, in lowercase hex, once the queue is worked off. Append nothing after it.</summary>
    public async Task<string> FinishAsync()
    {
        _blocks.Writer.TryComplete();
        await _hashing;
        return Convert.ToHexStringLower(_hash.GetHashAndReset());
    }

    public async ValueTask DisposeAsync()
    {
        _blocks.Writer.TryComplete();
        await _hashing;
        _hash.Dispose();
    }

    private async Task HashAsync()
    {
        await foreach (var (buffer, length) in _blocks.Reader.ReadAllAsync())
        {
            _hash.AppendData(buffer, 0, length);
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
