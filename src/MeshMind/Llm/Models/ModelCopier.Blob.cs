using System.Buffers;
using System.Text.Json;
using MeshMind.Infrastructure.Blocks;

namespace MeshMind.Llm.Models;

internal sealed partial class ModelCopier
{
    /// <summary>Verified bytes between two updates of a partial file's <see cref="PartialBlob"/> (at most what a kill -9 costs).</summary>
    /// <remarks>
    /// The partial file is handed to the OS, not forced to disk, before its state says which blocks are verified: a killed process
    /// loses nothing the OS has, and after a power cut the resume re-checks every kept block anyway, so a block the disk never
    /// got is refused there and fetched again. Forcing 32 MiB to disk each time cost a copy a third of its rate.
    /// </remarks>
    public const long CheckpointBytes = 32L << 20;

    private static readonly TimeSpan s_progressEvery = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Fetches one blob into its partial file from every source at once, resuming what an earlier copy verified, and returns the
    /// file's path once every block matched its block list and the whole matched the digest.
    /// </summary>
    /// <remarks>
    /// The blocks still wanted are a shared queue of ranges (<see cref="BlockSchedule"/>); each source works on
    /// <see cref="RangesPerSource"/> of them at a time (see <see cref="FetchFromAsync"/>), and a source that fails or sends a
    /// bad block is dropped and its ranges go back to the queue. Only this loop reports progress and saves the state.
    /// </remarks>
    private async Task<string> FetchBlobAsync(ModelCopySources sources, OllamaLayer blob, string status, Func<ModelCopyProgress, Task> report, CancellationToken cancellationToken)
    {
        var list = await BlockListAsync(sources, blob, cancellationToken);
        Directory.CreateDirectory(_partials);
        var path = Path.Combine(_partials, BlobDigest.FileName(blob.Digest) + ".partial");
        var statePath = path + ".json";
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 0);
        }
        catch (IOException ex)
        {
            throw new ModelCopyException($"another copy is fetching {blob.Digest} right now", ex);
        }

        await using (file)
        await using (var whole = new OrderedBlockHash(file.SafeFileHandle, list))
        {
            var schedule = await ResumeAsync(file, list, blob.Digest, statePath, whole, cancellationToken);
            if (schedule.DoneBytes > 0)
            {
                LogResuming(blob.Digest, schedule.DoneBytes, list.Size);
            }

            await report(new ModelCopyProgress(status, blob.Digest, list.Size, schedule.DoneBytes, Sources: sources.Count));
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var pace = new CopyPace(_bytesPerSecond, _time);
            var fetching = Task.WhenAll(sources.Live.SelectMany(source => Enumerable.Range(0, RangesPerSource)
                .Select(_ => FetchFromAsync(source, blob.Digest, list, file.SafeFileHandle, schedule, whole, sources, pace, stop.Token))));
            var checkpoint = schedule.DoneBytes;
            try
            {
                while (!fetching.IsCompleted)
                {
                    await Task.WhenAny(fetching, Task.Delay(s_progressEvery, _time, cancellationToken));
                    cancellationToken.ThrowIfCancellationRequested();
                    if (schedule.DoneBytes - checkpoint >= CheckpointBytes)
                    {
                        checkpoint = schedule.DoneBytes;
                        await SaveStateAsync(statePath, State(blob.Digest, list, schedule), cancellationToken);
                    }

                    await report(new ModelCopyProgress(status, blob.Digest, list.Size, schedule.DoneBytes, Sources: sources.Count));
                }

                await fetching;
            }
            finally
            {
                // Whatever ended the transfer, keep what was verified: a later copy resumes from there.
                await stop.CancelAsync();
                await fetching.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
                await SaveStateAsync(statePath, State(blob.Digest, list, schedule), CancellationToken.None);
            }

            if (!schedule.IsComplete)
            {
                throw new ModelCopyException($"no peer that holds {blob.Digest} is left for this copy after {schedule.DoneBytes} of {list.Size} bytes "
                    + $"({sources.Why()}); the verified part is kept: copy again to resume");
            }

            if (await whole.FinishAsync() != BlobDigest.Hex(blob.Digest))
            {
                file.SetLength(0);
                File.Delete(statePath);
                throw new ModelCopyException($"every block of {blob.Digest} matched its block list, but the whole does not match the digest");
            }

            // On disk before it is renamed into Ollama's directory, where it is trusted without a check.
            file.Flush(flushToDisk: true);
            await report(new ModelCopyProgress(status, blob.Digest, list.Size, list.Size, Sources: sources.Count));
        }

        File.Delete(statePath);
        return path;
    }

    /// <summary>The blob's block list, from the first source that gives a sound one (a source that does not is dropped).</summary>
    private async Task<BlockList> BlockListAsync(ModelCopySources sources, OllamaLayer blob, CancellationToken cancellationToken)
    {
        foreach (var from in sources.Live)
        {
            try
            {
                using var response = await Client(from).GetAsync($"/mesh/models/blobs/{blob.Digest}/blocks", cancellationToken);
                if (!response.IsSuccessStatusCode)
                {
                    Drop(sources, from, blob.Digest, $"answered {(int)response.StatusCode} for the block list");
                    continue;
                }

                if (await response.Content.ReadFromJsonAsync(ModelCopyJsonContext.Default.BlockList, cancellationToken) is { } list
                    && list.IsWellFormed() && list.Size == blob.Size)
                {
                    return list;
                }

                Drop(sources, from, blob.Digest, $"sent a block list that does not describe a blob of {blob.Size} bytes");
            }
            catch (Exception ex) when (ex is HttpRequestException or JsonException)
            {
                Drop(sources, from, blob.Digest, $"could not be asked for the block list: {ex.Message}");
            }
        }

        throw new ModelCopyException($"no peer that holds {blob.Digest} gave its block list ({sources.Why()})");
    }

    /// <summary>
    /// What of the partial file can be kept: the blocks its <see cref="PartialBlob"/> says were verified, each re-checked (the
    /// whole-blob hash reads them again anyway); a block that no longer matches is fetched again.
    /// </summary>
    private static async Task<BlockSchedule> ResumeAsync(FileStream file, BlockList list, string digest, string statePath, OrderedBlockHash whole,
        CancellationToken cancellationToken)
    {
        PartialBlob? state = null;
        try
        {
            state = File.Exists(statePath) ? JsonSerializer.Deserialize(await File.ReadAllBytesAsync(statePath, cancellationToken), ModelCopyJsonContext.Default.PartialBlob) : null;
        }
        catch (JsonException)
        {
            // A torn or foreign state file: start over.
        }

        if (file.Length > list.Size)
        {
            file.SetLength(list.Size);
        }

        var claimed = state is null || state.Digest != digest || state.Size != list.Size || state.BlockSize != list.BlockSize ? []
            : state.Blocks is { } bitmap ? BlockSchedule.FromBitmap(bitmap, list.Blocks.Count)
            : Enumerable.Range(0, (int)(state.Verified / list.BlockSize)).ToList(); // A state from before multi-source copies: a verified prefix.
        var kept = new List<int>();
        var buffer = ArrayPool<byte>.Shared.Rent(list.BlockSize);
        try
        {
            foreach (var index in claimed)
            {
                var block = buffer.AsMemory(0, list.LengthOf(index));
                if (list.OffsetOf(index) + block.Length <= file.Length
                    && await RandomAccess.ReadAsync(file.SafeFileHandle, block, list.OffsetOf(index), cancellationToken) == block.Length
                    && BlockVerifier.Matches(list, index, block.Span))
                {
                    kept.Add(index);
                    whole.Add(index);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        var schedule = new BlockSchedule(list, kept, RangeBlocks);
        await SaveStateAsync(statePath, State(digest, list, schedule), cancellationToken);
        return schedule;
    }

    private static PartialBlob State(string digest, BlockList list, BlockSchedule schedule) =>
        new(digest, list.Size, list.BlockSize, schedule.DoneBytes, schedule.DoneBitmap());

    /// <summary>Writes the state beside the partial file: to a temporary file, then renamed, so a kill leaves the old or the new.</summary>
    private static async Task SaveStateAsync(string statePath, PartialBlob state, CancellationToken cancellationToken)
    {
        var temporary = statePath + ".tmp";
        await File.WriteAllBytesAsync(temporary, JsonSerializer.SerializeToUtf8Bytes(state, ModelCopyJsonContext.Default.PartialBlob), cancellationToken);
        File.Move(temporary, statePath, overwrite: true);
    }
}
