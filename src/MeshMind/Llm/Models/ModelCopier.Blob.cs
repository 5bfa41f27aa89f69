using System.Buffers;
using System.Net;
using System.Text.Json;
using System.Threading.Channels;
using MeshMind.Infrastructure.Blocks;
using MeshMind.Mesh.Peers;

namespace MeshMind.Llm.Models;

internal sealed partial class ModelCopier
{
    /// <summary>Verified bytes between two updates of a partial file's <see cref="PartialBlob"/> (at most what a kill -9 costs).</summary>
    /// <remarks>
    /// The partial file is handed to the OS, not forced to disk, before its state says how far it is verified: a killed process
    /// loses nothing the OS has, and after a power cut the resume re-checks every kept block anyway, so a block the disk never
    /// got is refused there and fetched again. Forcing 32 MiB to disk each time cost a copy a third of its rate.
    /// </remarks>
    public const long CheckpointBytes = 32L << 20;

    /// <summary>Network reads waiting to be hashed and written: the reading of the next megabytes overlaps the hashing of these.</summary>
    private const int PipelineDepth = 8;

    private static readonly TimeSpan s_progressEvery = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Fetches one blob into its partial file, resuming what an earlier copy verified, and returns the file's path once every
    /// block matched its block list and the whole matched the digest. A block that does not match is fetched once more; a
    /// second mismatch ends the copy.
    /// </summary>
    private async Task<string> FetchBlobAsync(PeerInfo from, OllamaLayer blob, string status, Func<ModelCopyProgress, Task> report, CancellationToken cancellationToken)
    {
        var list = await BlockListAsync(from, blob, cancellationToken);
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

        await using var whole = new BackgroundHash();
        await using (file)
        {
            var verified = await ResumeAsync(file, list, blob.Digest, statePath, whole, cancellationToken);
            if (verified > 0)
            {
                LogResuming(blob.Digest, verified, list.Size);
            }

            await report(new ModelCopyProgress(status, blob.Digest, list.Size, verified));
            var refused = 0;
            while (verified < list.Size)
            {
                try
                {
                    verified = await ReceiveAsync(from, blob.Digest, list, file, whole, verified, statePath, status, report, cancellationToken);
                }
                catch (BlockMismatchException ex)
                {
                    _metrics.Refused();
                    LogBlockRefused(ex.Index, blob.Digest, from.Name);
                    if (++refused > 1)
                    {
                        throw new ModelCopyException($"block {ex.Index} of {blob.Digest} from '{from.Name}' did not match its block list twice; "
                            + "the copy stopped and nothing of that blob was installed", ex);
                    }

                    verified = ex.Offset;
                    file.SetLength(verified);
                }
            }

            if (await whole.FinishAsync() != BlobDigest.Hex(blob.Digest))
            {
                file.SetLength(0);
                File.Delete(statePath);
                throw new ModelCopyException($"every block of {blob.Digest} from '{from.Name}' matched its block list, but the whole does not match the digest");
            }

            // On disk before it is renamed into Ollama's directory, where it is trusted without a check.
            file.Flush(flushToDisk: true);
            await report(new ModelCopyProgress(status, blob.Digest, list.Size, list.Size));
        }

        File.Delete(statePath);
        return path;
    }

    private async Task<BlockList> BlockListAsync(PeerInfo from, OllamaLayer blob, CancellationToken cancellationToken)
    {
        BlockList? list;
        try
        {
            using var response = await Client(from).GetAsync($"/mesh/models/blobs/{blob.Digest}/blocks", cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new ModelCopyException($"'{from.Name}' answered {(int)response.StatusCode} for the block list of {blob.Digest}");
            }

            list = await response.Content.ReadFromJsonAsync(ModelCopyJsonContext.Default.BlockList, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException)
        {
            throw new ModelCopyException($"the block list of {blob.Digest} could not be read from '{from.Name}': {ex.Message}", ex);
        }

        return list is not null && list.IsWellFormed() && list.Size == blob.Size
            ? list
            : throw new ModelCopyException($"'{from.Name}' sent a block list for {blob.Digest} that does not describe a blob of {blob.Size} bytes");
    }

    /// <summary>
    /// How much of the partial file can be kept: at most what its <see cref="PartialBlob"/> says was verified, re-checked block by
    /// block (the whole-blob hash needs those bytes again anyway), up to the first block that does not match. The file is cut there.
    /// </summary>
    private static async Task<long> ResumeAsync(FileStream file, BlockList list, string digest, string statePath, BackgroundHash whole, CancellationToken cancellationToken)
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

        var claimed = state is not null && state.Digest == digest && state.Size == list.Size && state.BlockSize == list.BlockSize
            ? Math.Min(state.Verified, file.Length)
            : 0;
        var buffer = ArrayPool<byte>.Shared.Rent(list.BlockSize);
        long kept = 0;
        try
        {
            file.Position = 0;
            for (var index = 0; kept + list.LengthOf(index) <= claimed && kept < list.Size; index++)
            {
                var block = buffer.AsMemory(0, list.LengthOf(index));
                await file.ReadExactlyAsync(block, cancellationToken);
                if (!BlockVerifier.Matches(list, index, block.Span))
                {
                    break;
                }

                whole.Append(block.Span);
                kept += block.Length;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        file.SetLength(kept);
        file.Position = kept;
        await SaveStateAsync(statePath, new PartialBlob(digest, list.Size, list.BlockSize, kept), cancellationToken);
        return kept;
    }

    /// <summary>
    /// One ranged request from <paramref name="verified"/> to the end. Reading from the network runs ahead of hashing and
    /// writing (a bounded pipeline), so the two use different cores. Returns how far the blob is verified when the response ended.
    /// </summary>
    private async Task<long> ReceiveAsync(PeerInfo from, string digest, BlockList list, FileStream file, BackgroundHash whole, long verified,
        string statePath, string status, Func<ModelCopyProgress, Task> report, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/mesh/models/blobs/" + digest);
        request.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(verified, null);
        HttpResponseMessage response;
        try
        {
            response = await _clients.BulkHttpFor(from.NodeId, from.Addresses[0], from.MeshPort).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new ModelCopyException($"'{from.Name}' could not be reached for {digest}: {ex.Message}", ex);
        }

        var verifier = new BlockVerifier(list, verified);
        var checkpoint = verified;
        var started = _time.GetTimestamp();
        var lastReport = started;
        long received = 0;
        using (response)
        {
            if (response.StatusCode != HttpStatusCode.PartialContent || response.Content.Headers.ContentRange?.From != verified)
            {
                throw new ModelCopyException($"'{from.Name}' answered {(int)response.StatusCode} for bytes {verified}- of {digest}");
            }

            using var reading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var chunks = Channel.CreateBounded<(byte[] Buffer, int Length)>(new BoundedChannelOptions(PipelineDepth) { SingleReader = true, SingleWriter = true });
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            var reader = Task.Run(() => ReadChunksAsync(body, list.BlockSize, chunks.Writer, reading.Token), CancellationToken.None);
            try
            {
                await foreach (var (buffer, length) in chunks.Reader.ReadAllAsync(cancellationToken))
                {
                    try
                    {
                        verifier.Append(buffer.AsSpan(0, length), block =>
                        {
                            file.Write(block.Span);
                            whole.Append(block.Span);
                        });
                        _metrics.Received(length);
                        received += length;
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                    }

                    if (_bytesPerSecond > 0 && TimeSpan.FromSeconds((double)received / _bytesPerSecond) - _time.GetElapsedTime(started) is { Ticks: > 0 } ahead)
                    {
                        await Task.Delay(ahead, _time, cancellationToken);
                    }

                    if (verifier.Verified - checkpoint >= CheckpointBytes)
                    {
                        checkpoint = verifier.Verified;
                        file.Flush();
                        await SaveStateAsync(statePath, new PartialBlob(digest, list.Size, list.BlockSize, checkpoint), cancellationToken);
                    }

                    if (_time.GetElapsedTime(lastReport) >= s_progressEvery)
                    {
                        lastReport = _time.GetTimestamp();
                        await report(new ModelCopyProgress(status, digest, list.Size, verifier.Verified));
                    }
                }

                await reader;
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException)
            {
                throw new ModelCopyException($"the transfer of {digest} from '{from.Name}' was cut after {verifier.Verified} of {list.Size} bytes "
                    + "(the verified part is kept: copy again to resume)", ex);
            }
            finally
            {
                await reading.CancelAsync();
                await reader.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
                while (chunks.Reader.TryRead(out var left))
                {
                    ArrayPool<byte>.Shared.Return(left.Buffer);
                }

                // Whatever ended the transfer, keep what was verified: a later copy resumes from here.
                file.Flush();
                await SaveStateAsync(statePath, new PartialBlob(digest, list.Size, list.BlockSize, verifier.Verified), CancellationToken.None);
            }
        }

        return verifier.IsComplete
            ? verifier.Verified
            : throw new ModelCopyException($"the transfer of {digest} from '{from.Name}' ended after {verifier.Verified} of {list.Size} bytes "
                + "(the verified part is kept: copy again to resume)");
    }

    /// <summary>Reads the body in chunks of up to <paramref name="chunkSize"/> bytes (pooled buffers the consumer returns).</summary>
    private static async Task ReadChunksAsync(Stream body, int chunkSize, ChannelWriter<(byte[], int)> chunks, CancellationToken cancellationToken)
    {
        Exception? failure = null;
        try
        {
            while (true)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(chunkSize);
                var read = await body.ReadAtLeastAsync(buffer.AsMemory(0, chunkSize), chunkSize, throwOnEndOfStream: false, cancellationToken);
                if (read == 0)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    break;
                }

                if (!chunks.TryWrite((buffer, read)))
                {
                    try
                    {
                        await chunks.WriteAsync((buffer, read), cancellationToken);
                    }
                    catch
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        throw;
                    }
                }

                if (read < chunkSize)
                {
                    break;
                }
            }
        }
        catch (Exception ex)
        {
            failure = ex;
        }
        finally
        {
            chunks.TryComplete(failure);
        }
    }

    /// <summary>Writes the state beside the partial file: to a temporary file, then renamed, so a kill leaves the old or the new.</summary>
    private static async Task SaveStateAsync(string statePath, PartialBlob state, CancellationToken cancellationToken)
    {
        var temporary = statePath + ".tmp";
        await File.WriteAllBytesAsync(temporary, JsonSerializer.SerializeToUtf8Bytes(state, ModelCopyJsonContext.Default.PartialBlob), cancellationToken);
        File.Move(temporary, statePath, overwrite: true);
    }
}
