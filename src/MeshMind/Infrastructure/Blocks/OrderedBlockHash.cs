using System.Buffers;
using System.Security.Cryptography;
using System.Threading.Channels;
using Microsoft.Win32.SafeHandles;

namespace MeshMind.Infrastructure.Blocks;

/// <summary>
/// The SHA-256 of a whole file whose blocks arrive in any order (several sources filling one file): on a thread of its own,
/// each block is read back from the file and hashed as soon as every block before it is in, so the whole is checked while
/// the transfer runs rather than in one more pass after it.
/// </summary>
internal sealed class OrderedBlockHash : IAsyncDisposable
{
    private readonly Channel<int> _written = Channel.CreateUnbounded<int>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly SafeFileHandle _file;
    private readonly BlockList _list;
    private readonly Task<bool> _hashing;

    public OrderedBlockHash(SafeFileHandle file, BlockList list)
    {
        (_file, _list) = (file, list);
        _hashing = Task.Run(HashAsync);
    }

    /// <summary>Block <paramref name="index"/> is in the file (verified against its list); each block is added once.</summary>
    public void Add(int index) => _written.Writer.TryWrite(index);

    /// <summary>The hash of the whole file in lowercase hex once every block was added; null when some block never was.</summary>
    public async Task<string?> FinishAsync()
    {
        _written.Writer.TryComplete();
        return await _hashing ? Convert.ToHexStringLower(_hash.GetHashAndReset()) : null;
    }

    public async ValueTask DisposeAsync()
    {
        _written.Writer.TryComplete();
        await _hashing.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        _hash.Dispose();
    }

    private async Task<bool> HashAsync()
    {
        var count = _list.Blocks.Count;
        var written = new bool[count];
        var next = 0;
        var buffer = ArrayPool<byte>.Shared.Rent(_list.BlockSize);
        try
        {
            await foreach (var index in _written.Reader.ReadAllAsync())
            {
                written[index] = true;
                for (; next < count && written[next]; next++)
                {
                    var block = buffer.AsSpan(0, _list.LengthOf(next));
                    for (var read = 0; read < block.Length;)
                    {
                        var got = RandomAccess.Read(_file, block[read..], _list.OffsetOf(next) + read);
                        if (got == 0)
                        {
                            return false;
                        }

                        read += got;
                    }

                    _hash.AppendData(block);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return next == count;
    }
}
