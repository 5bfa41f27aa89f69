using System.Net;
using System.Net.Http.Json;
using MeshMind.Tests.Support;

namespace MeshMind.Tests.Files;

/// <summary>A real <c>meshmind</c> process killed with SIGKILL in the middle of an upload, then restarted on the same data directory.</summary>
public sealed class UploadCrashTests : IDisposable
{
    private const string Password = "upload-crash-password";
    private readonly TempDirectory _dir = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _dir.Dispose();

    private NodeProcess Start() => NodeProcess.Start(_dir.Path,
        ["--data-dir", _dir.Combine("data"), "--http-port", "0", "--http-bind", "127.0.0.1", "--discovery", "off", "--name", "crashy"],
        new Dictionary<string, string> { ["NODE_PASSWORD"] = Password });

    private static async Task<HttpClient> LoginAsync(Uri address)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = address };
        (await client.PostAsJsonAsync("/api/auth/login", new { username = "admin", password = Password }, Ct)).EnsureSuccessStatusCode();
        return client;
    }

    /// <summary>Sends a few megabytes, then nothing more until cancelled: an upload that is always "in the middle".</summary>
    private sealed class EndlessStream(CancellationToken cancellation) : ReadOnlyTestStream
    {
        private long _sent;

        public override long Position { get => _sent; set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_sent >= 4 * 1024 * 1024)
            {
                await Task.Delay(Timeout.Infinite, CancellationTokenSource.CreateLinkedTokenSource(cancellation, cancellationToken).Token);
            }

            var n = Math.Min(buffer.Length, 64 * 1024);
            buffer.Span[..n].Fill(0x5A);
            _sent += n;
            return n;
        }

        public override int Read(Span<byte> buffer) => throw new NotSupportedException();
    }

    [Fact]
    public async Task KilledMidUpload_RestartListsNothing_LeavesNoTempFile_AndTheDatabaseWorks()
    {
        var temp = _dir.Combine(Path.Combine("data", "files", "tmp"));
        await using (var node = Start())
        {
            var address = await node.WaitForListeningAsync(cancellationToken: Ct);
            using var client = await LoginAsync(address);
            using var stop = new CancellationTokenSource();
            var upload = client.PostAsync("/api/upload", new MultipartFormDataContent { { new StreamContent(new EndlessStream(stop.Token)), "file", "huge.iso" } }, stop.Token);

            await Wait.UntilAsync(() => Directory.Exists(temp) && Directory.GetFiles(temp).Any(f => new FileInfo(f).Length >= 1024 * 1024),
                TimeSpan.FromSeconds(20), "the upload to be part-written to the temporary folder");
            await node.KillAsync();
            await stop.CancelAsync();
            await Assert.ThrowsAnyAsync<Exception>(() => upload);
            Assert.NotEmpty(Directory.GetFiles(temp));
        }

        await using (var again = Start())
        {
            var address = await again.WaitForListeningAsync(cancellationToken: Ct);
            using var client = await LoginAsync(address);

            var files = await (await client.GetAsync("/api/files", Ct)).JsonAsync();
            Assert.Equal(0, files.GetProperty("files").GetArrayLength());
            Assert.Empty(Directory.GetFiles(temp));
            var ok = await client.PostAsync("/api/upload", new MultipartFormDataContent { { new ByteArrayContent("after the crash"u8.ToArray()), "file", "small.txt" } }, Ct);
            Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
            Assert.Equal("after the crash", await client.GetStringAsync("/api/files/small.txt", Ct));
        }

        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_dir.Combine(Path.Combine("data", "meshmind.db"))};Mode=ReadOnly;Pooling=false");
        await connection.OpenAsync(Ct);
        await using var check = connection.CreateCommand();
        check.CommandText = "PRAGMA integrity_check;";
        Assert.Equal("ok", await check.ExecuteScalarAsync(Ct));
    }
}
