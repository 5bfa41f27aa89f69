using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;

namespace MeshMind.Bench.Files;

/// <summary>One upload or download: bytes moved, seconds, and the SHA-256 the other end reported or the bytes had.</summary>
internal readonly record struct Transfer(long Bytes, double Seconds, string Sha256)
{
    public double MegabytesPerSecond => Bytes / 1e6 / Seconds;

    /// <summary><c>POST /api/upload</c> of <paramref name="content"/> as the multipart field <c>file</c>; the node's answer gives the hash.</summary>
    public static async Task<Transfer> UploadAsync(HttpClient http, string name, GeneratedContent content, CancellationToken cancellationToken)
    {
        using var form = new MultipartFormDataContent { { content, "file", name } };
        var clock = Stopwatch.StartNew();
        using var response = await http.PostAsync(new Uri("/api/upload", UriKind.Relative), form, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var seconds = clock.Elapsed.TotalSeconds;
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"upload of {name}: {(int)response.StatusCode} {body}");
        }

        using var stored = JsonDocument.Parse(body);
        return new Transfer(stored.RootElement.GetProperty("size").GetInt64(), seconds, stored.RootElement.GetProperty("sha256").GetString()!);
    }

    /// <summary>Uploads a small file whose bytes are given.</summary>
    public static async Task UploadSmallAsync(HttpClient http, string name, byte[] bytes, CancellationToken cancellationToken)
    {
        using var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        using var form = new MultipartFormDataContent { { file, "file", name } };
        using var response = await http.PostAsync(new Uri("/api/upload", UriKind.Relative), form, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"upload of {name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }

    /// <summary>GETs <paramref name="path"/> and hashes the body as it arrives (in the timed loop), keeping none of it.</summary>
    public static async Task<Transfer> DownloadAsync(HttpClient http, string path, CancellationToken cancellationToken)
    {
        var buffer = new byte[1 << 20];
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long bytes = 0;
        var clock = Stopwatch.StartNew();
        using (var response = await http.GetAsync(new Uri(path, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, cancellationToken))
        {
            response.EnsureSuccessStatusCode();
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                bytes += read;
            }
        }

        return new Transfer(bytes, clock.Elapsed.TotalSeconds, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }
}
