using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using MeshMind.Tests.Support;
using static MeshMind.Tests.Llm.LlmNodes;

namespace MeshMind.Tests.Files;

/// <summary>Memory is measured for the whole test process, so these run alone.</summary>
[CollectionDefinition(nameof(MemoryMeasurements), DisableParallelization = true)]
public sealed class MemoryMeasurements;

/// <summary>A 1 GiB file through the peer proxy: streamed end to end, so resident memory stays flat.</summary>
[Collection(nameof(MemoryMeasurements))]
public sealed class LargeDownloadTests
{
    private const long Size = 1L << 30;
    private const long MaxGrowthBytes = 64L * 1024 * 1024;

    [Fact]
    public async Task ProxiedDownloadOf1GiB_HashEqual_ResidentMemoryGrowsAtMost64MB()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "Skipped: resident memory is read from /proc, which only Linux has.");
        await using var a = await StartAsync("alpha", NoLlm);
        await using var b = await StartAsync("bravo", NoLlm, [a]);
        await UntilLinkedAsync(b, a);
        using var onA = await a.CreateLoggedInClientAsync();
        using var onB = await b.CreateLoggedInClientAsync();
        var started = Stopwatch.StartNew();
        var sha256 = await UploadAsync(onA);
        var uploaded = started.Elapsed;
        var url = $"/api/peers/{Id(a)}/files/big.bin";
        await Wait.UntilAsync(async () =>
        {
            using var probe = await onB.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, Ct);
            return probe.StatusCode == HttpStatusCode.OK;
        }, WaitLimit, "A's file to be listed on B");

        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        var baseline = Status("VmRSS");
        var peakResettable = TryResetPeak();
        var sampledPeak = baseline;
        var clock = Stopwatch.StartNew();

        using var response = await onB.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var body = await response.Content.ReadAsStreamAsync(Ct);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 16];
        long received = 0;
        int read;
        while ((read = await body.ReadAsync(buffer, Ct)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            if ((received + read) >> 24 != received >> 24)
            {
                sampledPeak = Math.Max(sampledPeak, Status("VmRSS")); // every 16 MiB
            }

            received += read;
        }

        var elapsed = clock.Elapsed;
        var peak = Math.Max(sampledPeak, peakResettable ? Status("VmHWM") : 0);
        var growth = peak - baseline;
        TestContext.Current.SendDiagnosticMessage(string.Create(CultureInfo.InvariantCulture,
            $"1 GiB uploaded in {uploaded.TotalSeconds:F1} s, proxied in {elapsed.TotalSeconds:F1} s ({Size / elapsed.TotalSeconds / 1e6:F0} MB/s); RSS {baseline / 1e6:F1} MB -> peak {peak / 1e6:F1} MB (+{growth / 1e6:F1} MB)"));
        Assert.Equal(Size, received);
        Assert.Equal(sha256, Convert.ToHexStringLower(hash.GetHashAndReset()));
        Assert.True(growth <= MaxGrowthBytes, $"resident memory grew by {growth / 1e6:F1} MB while streaming 1 GiB (limit 64 MB)");
    }

    private static async Task<string> UploadAsync(HttpClient client)
    {
        using var content = new GeneratedContent(Size);
        using var form = new MultipartFormDataContent { { new StreamContent(content, 1 << 16), "file", "big.bin" } };
        using var response = await client.PostAsync("/api/upload", form, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var sha256 = (await response.JsonAsync()).GetProperty("sha256").GetString()!;
        Assert.Equal(content.Sha256, sha256);
        return sha256;
    }

    /// <summary>A value from <c>/proc/self/status</c>, in bytes.</summary>
    private static long Status(string key)
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(key + ":", StringComparison.Ordinal));
        return long.Parse(line[(key.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>Resets <c>VmHWM</c> (peak RSS) to the current RSS (Linux 4.0+: "5" to clear_refs); false where that is refused.</summary>
    private static bool TryResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// <paramref name="length"/> bytes made on the fly from one random block of a prime length (so misplaced chunks
    /// change the hash), hashed as they are read.
    /// </summary>
    private sealed class GeneratedContent(long length) : ReadOnlyTestStream
    {
        private readonly byte[] _block = RandomBlock();
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private long _position;

        public string? Sha256 { get; private set; }

        public override long Length => length;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(Span<byte> buffer)
        {
            var total = (int)Math.Min(buffer.Length, length - _position);
            for (var done = 0; done < total;)
            {
                var at = (int)(_position % _block.Length);
                var n = Math.Min(total - done, _block.Length - at);
                _block.AsSpan(at, n).CopyTo(buffer[done..]);
                done += n;
                _position += n;
            }

            _hash.AppendData(buffer[..total]);
            if (_position == length && Sha256 is null)
            {
                Sha256 = Convert.ToHexStringLower(_hash.GetHashAndReset());
            }

            return total;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _hash.Dispose();
            }

            base.Dispose(disposing);
        }

        private static byte[] RandomBlock()
        {
            var block = new byte[1_048_583]; // a prime just over 1 MiB
            new Random(42).NextBytes(block);
            return block;
        }
    }
}
