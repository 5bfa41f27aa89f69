using System.Buffers;
using System.Net;
using MeshMind.Infrastructure.Blocks;
using MeshMind.Mesh.Peers;
using Microsoft.Win32.SafeHandles;

namespace MeshMind.Llm.Models;

internal sealed partial class ModelCopier
{
    /// <summary>Blocks per ranged request: large enough that a request costs little, small enough that several sources share a blob.</summary>
    public const int RangeBlocks = 8;

    /// <summary>
    /// Ranged requests each source has in flight: while one waits on the network, another's blocks are hashed and written, so
    /// even one source keeps more than one core busy.
    /// </summary>
    public const int RangesPerSource = 2;

    /// <summary>
    /// One of a source's workers: takes ranges from the schedule until every block is done, or until the source is dropped
    /// (it failed, or sent a block that does not match its list), in which case what it did not get goes back to the queue.
    /// </summary>
    private async Task FetchFromAsync(PeerInfo source, string digest, BlockList list, SafeFileHandle file, BlockSchedule schedule,
        OrderedBlockHash whole, ModelCopySources sources, CopyPace pace, CancellationToken cancellationToken)
    {
        while (await schedule.TakeAsync(cancellationToken) is { } range)
        {
            if (!sources.IsLive(source))
            {
                schedule.Return(range);
                return;
            }

            try
            {
                await FetchRangeAsync(source, digest, list, range, file, schedule, whole, pace, cancellationToken);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // Dropped before the range goes back, so this source's other worker does not take it again.
                if (ex is BlockMismatchException mismatch)
                {
                    _metrics.Refused();
                    LogBlockRefused(mismatch.Index, digest, source.Name);
                }

                Drop(sources, source, digest, ex is BlockMismatchException bad ? $"sent block {bad.Index}, which does not match its block list"
                    : $"failed: {ex.Message}");
                schedule.Return(range);
                return;
            }
        }
    }

    /// <summary>
    /// One ranged request: each block is verified as it arrives and written at its place; a bad block throws, and so does a
    /// source that sends nothing for <see cref="LlmOptions.ModelCopyStallTimeout"/> (a holder whose network went silent).
    /// </summary>
    private async Task FetchRangeAsync(PeerInfo source, string digest, BlockList list, BlockRange range, SafeFileHandle file, BlockSchedule schedule,
        OrderedBlockHash whole, CopyPace pace, CancellationToken cancellationToken)
    {
        var (from, to) = (list.OffsetOf(range.First), list.OffsetOf(range.End - 1) + list.LengthOf(range.End - 1) - 1);
        using var stall = new CancellationTokenSource(_stallTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stall.Token);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/mesh/models/blobs/" + digest);
            request.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(from, to);
            using var response = await _clients.BulkHttpFor(source.NodeId, source.Addresses[0], source.MeshPort)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            if (response.StatusCode != HttpStatusCode.PartialContent || response.Content.Headers.ContentRange is not { } got || got.From != from || got.To != to)
            {
                throw new ModelCopyException($"answered {(int)response.StatusCode} for bytes {from}-{to}");
            }

            await using var body = await response.Content.ReadAsStreamAsync(linked.Token);
            var buffer = ArrayPool<byte>.Shared.Rent(list.BlockSize);
            try
            {
                for (var index = range.First; index < range.End; index++)
                {
                    var block = buffer.AsMemory(0, list.LengthOf(index));
                    stall.CancelAfter(_stallTimeout);
                    await body.ReadExactlyAsync(block, linked.Token);
                    // This node's own pacing below is not the source's silence.
                    stall.CancelAfter(Timeout.InfiniteTimeSpan);
                    _metrics.Received(block.Length);
                    if (!BlockVerifier.Matches(list, index, block.Span))
                    {
                        throw new BlockMismatchException(index, list.OffsetOf(index));
                    }

                    RandomAccess.Write(file, block.Span, list.OffsetOf(index));
                    schedule.Done(index);
                    whole.Add(index);
                    await pace.ReceivedAsync(block.Length, cancellationToken);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
        catch (OperationCanceledException) when (stall.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new ModelCopyException($"sent nothing for {_stallTimeout.TotalSeconds:0.#} s (Llm:ModelCopyStallTimeout)");
        }
    }

    private void Drop(ModelCopySources sources, PeerInfo source, string digest, string reason)
    {
        if (sources.Drop(source, reason))
        {
            LogSourceDropped(source.Name, digest, reason, sources.Count);
        }
    }
}
