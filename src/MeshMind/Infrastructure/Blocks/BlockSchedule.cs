using System.Threading.Channels;

namespace MeshMind.Infrastructure.Blocks;

/// <summary>
/// Which blocks of a transfer are still wanted, handed out as ranges of consecutive blocks to whoever fetches next, so several
/// sources can fill one file at once (issue 17). A source that fails gives back the part of its range it did not get, and
/// another source takes it; each block is marked done once, after it was verified and written.
/// </summary>
/// <remarks>
/// The queue is a channel, so a source that finds it empty waits: a range another source gives back may still come. It ends
/// (<see cref="TakeAsync"/> answers null) when every block is done.
/// </remarks>
internal sealed class BlockSchedule
{
    private readonly BlockList _list;
    private readonly bool[] _done;
    private readonly Channel<BlockRange> _ranges = Channel.CreateUnbounded<BlockRange>();
    private readonly Lock _lock = new();
    private readonly int _rangeBlocks;
    private int _left;
    private long _doneBytes;

    /// <param name="list">The blocks of the content.</param>
    /// <param name="done">Blocks already on disk and verified (a resumed transfer); null: none.</param>
    /// <param name="rangeBlocks">The most blocks in one range handed out.</param>
    public BlockSchedule(BlockList list, IReadOnlyCollection<int>? done, int rangeBlocks)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rangeBlocks, 1);
        _list = list;
        _rangeBlocks = rangeBlocks;
        _done = new bool[list.Blocks.Count];
        foreach (var index in done ?? [])
        {
            _done[index] = true;
            _doneBytes += list.LengthOf(index);
        }

        _left = _done.Count(d => !d);
        Enqueue(new BlockRange(0, _done.Length));
        if (_left == 0)
        {
            _ranges.Writer.TryComplete();
        }
    }

    /// <summary>Bytes in blocks that are done.</summary>
    public long DoneBytes => Interlocked.Read(ref _doneBytes);

    /// <summary>Whether every block is done.</summary>
    public bool IsComplete => Volatile.Read(ref _left) == 0;

    /// <summary>The next range to fetch, waiting while every range is out; null once every block is done.</summary>
    public async ValueTask<BlockRange?> TakeAsync(CancellationToken cancellationToken)
    {
        while (await _ranges.Reader.WaitToReadAsync(cancellationToken))
        {
            if (_ranges.Reader.TryRead(out var range))
            {
                return range;
            }
        }

        return null;
    }

    /// <summary>Block <paramref name="index"/> was verified and written.</summary>
    public void Done(int index)
    {
        lock (_lock)
        {
            if (_done[index])
            {
                return;
            }

            _done[index] = true;
            Interlocked.Add(ref _doneBytes, _list.LengthOf(index));
            if (--_left == 0)
            {
                _ranges.Writer.TryComplete();
            }
        }
    }

    /// <summary>Gives back the blocks of <paramref name="range"/> that are not done, for another source to take.</summary>
    public void Return(BlockRange range) => Enqueue(range);

    /// <summary>Whether block <paramref name="index"/> is done.</summary>
    public bool IsDone(int index)
    {
        lock (_lock)
        {
            return _done[index];
        }
    }

    /// <summary>The done blocks as a bitmap (bit <c>i % 8</c> of byte <c>i / 8</c>), for a resumable state.</summary>
    public byte[] DoneBitmap()
    {
        var bitmap = new byte[(_done.Length + 7) / 8];
        lock (_lock)
        {
            for (var i = 0; i < _done.Length; i++)
            {
                if (_done[i])
                {
                    bitmap[i / 8] |= (byte)(1 << (i % 8));
                }
            }
        }

        return bitmap;
    }

    /// <summary>The blocks a <see cref="DoneBitmap"/> says are done; empty when it does not fit <paramref name="blocks"/> blocks.</summary>
    public static IReadOnlyList<int> FromBitmap(byte[] bitmap, int blocks) =>
        bitmap.Length != (blocks + 7) / 8 ? [] : [.. Enumerable.Range(0, blocks).Where(i => (bitmap[i / 8] & (1 << (i % 8))) != 0)];

    /// <summary>Queues the blocks of <paramref name="range"/> that are not done, in runs of at most the range size.</summary>
    private void Enqueue(BlockRange range)
    {
        lock (_lock)
        {
            var start = -1;
            for (var i = range.First; i <= range.End; i++)
            {
                var wanted = i < range.End && !_done[i];
                if (wanted && start < 0)
                {
                    start = i;
                }

                if (start >= 0 && (!wanted || i - start == _rangeBlocks))
                {
                    _ranges.Writer.TryWrite(new BlockRange(start, i - start));
                    start = wanted ? i : -1;
                }
            }
        }
    }
}
