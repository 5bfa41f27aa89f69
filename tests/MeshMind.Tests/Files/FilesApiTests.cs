using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using MeshMind.Tests.Support;
using static MeshMind.Tests.Llm.LlmNodes;

namespace MeshMind.Tests.Files;

/// <summary>The file store through the HTTP API of a real in-process node, with its real data directory on disk.</summary>
public sealed class FilesApiTests
{
    private static MultipartFormDataContent Upload(byte[] content, string fileName, string field = "file", string contentType = "application/octet-stream")
    {
        var part = new ByteArrayContent(content);
        part.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return new MultipartFormDataContent { { part, field, fileName } };
    }

    private static string[] Blobs(TestNode node)
    {
        var dir = Path.Combine(node.DataDir, "files", "blobs");
        return Directory.Exists(dir) ? [.. Directory.GetFiles(dir).Select(Path.GetFileName).OfType<string>()] : [];
    }

    [Fact]
    public async Task Upload_ListsAndDownloads_WithEtagAndRange()
    {
        await using var node = await TestNode.StartAsync();
        using var client = await node.CreateLoggedInClientAsync();
        var content = new byte[300_000];
        new Random(1).NextBytes(content);
        var sha = Convert.ToHexStringLower(SHA256.HashData(content));

        var uploaded = await client.PostAsync("/api/upload", Upload(content, "data set.bin"), Ct);

        Assert.Equal(HttpStatusCode.Created, uploaded.StatusCode);
        var body = await uploaded.JsonAsync();
        Assert.Equal("data set.bin", body.GetProperty("name").GetString());
        Assert.Equal(content.Length, body.GetProperty("size").GetInt64());
        Assert.Equal(sha, body.GetProperty("sha256").GetString());
        Assert.Equal([sha], Blobs(node));

        var list = await (await client.GetAsync("/api/files", Ct)).JsonAsync();
        var entry = Assert.Single(list.GetProperty("files").EnumerateArray());
        Assert.Equal(sha, entry.GetProperty("sha256").GetString());
        Assert.True(entry.GetProperty("local").GetBoolean());
        Assert.Equal("test-node", entry.GetProperty("origin").GetProperty("name").GetString());
        var url = entry.GetProperty("download_url").GetString()!;

        using var whole = await client.GetAsync(url, Ct);
        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Equal(content, await whole.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal($"\"{sha}\"", whole.Headers.ETag?.Tag);
        Assert.Equal("data set.bin", whole.Content.Headers.ContentDisposition?.FileNameStar ?? whole.Content.Headers.ContentDisposition?.FileName?.Trim('"'));

        using var range = new HttpRequestMessage(HttpMethod.Get, url);
        range.Headers.Range = new RangeHeaderValue(1000, 1999);
        using var partial = await client.SendAsync(range, Ct);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal(content[1000..2000], await partial.Content.ReadAsByteArrayAsync(Ct));
    }

    /// <summary>
    /// Found by the fuzzing of issue 14: a body cut off before its closing boundary (the multipart reader's IOException) and a
    /// Content-Disposition parameter without a value (ArgumentNullException from its getters) were 500s; so was a
    /// <c>filename*</c> in UTF-7 (NotSupportedException), found by a later fuzzing run.
    /// </summary>
    [Theory]
    [InlineData("--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nhello, no closing boundary")]
    [InlineData("--XyZ\r\nContent-Disposition: form-da")]
    [InlineData("--XyZ\r\n")]
    [InlineData("--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename*\r\n\r\nx\r\n--XyZ--\r\n")]
    [InlineData("--XyZ\r\nContent-Disposition: form-data; name; filename=\"a.txt\"\r\n\r\nx\r\n--XyZ--\r\n")]
    [InlineData("--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename*=UTF-7''a.txt\r\n\r\nx\r\n--XyZ--\r\n")]
    [InlineData("--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename*=no-such-charset''a.txt\r\n\r\nx\r\n--XyZ--\r\n")]
    public async Task Upload_BodyCutOffBeforeItsClosingBoundary_Gets400_AndNothingIsKept(string body)
    {
        await using var node = await TestNode.StartAsync();
        using var client = await node.CreateLoggedInClientAsync();
        using var content = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(body));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=XyZ");

        var response = await client.PostAsync("/api/upload", content, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("multipart", (await response.JsonAsync()).GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, (await (await client.GetAsync("/api/files", Ct)).JsonAsync()).GetProperty("files").GetArrayLength());
        Assert.Empty(Blobs(node));
    }

    [Fact]
    public async Task TooLarge_Gets413_AndNothingIsKept()
    {
        await using var node = await TestNode.StartAsync(commandLine: new() { ["Files:MaxUploadBytes"] = "100000" });
        using var client = await node.CreateLoggedInClientAsync();

        var response = await client.PostAsync("/api/upload", Upload(new byte[100_001], "big.bin"), Ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("Files:MaxUploadBytes", (await response.JsonAsync()).GetProperty("error").GetString());
        Assert.Equal(0, (await (await client.GetAsync("/api/files", Ct)).JsonAsync()).GetProperty("files").GetArrayLength());
        Assert.Empty(Blobs(node));
        Assert.Empty(Directory.Exists(Path.Combine(node.DataDir, "files", "tmp")) ? Directory.GetFiles(Path.Combine(node.DataDir, "files", "tmp")) : []);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync("/api/upload", Upload(new byte[100_000], "fits.bin"), Ct)).StatusCode);
    }

    [Fact]
    public async Task ReuploadReplaces_AndTheOldBlobGoes_DeleteRemovesBoth()
    {
        await using var node = await TestNode.StartAsync();
        using var client = await node.CreateLoggedInClientAsync();

        await client.PostAsync("/api/upload", Upload("first"u8.ToArray(), "notes.txt"), Ct);
        await client.PostAsync("/api/upload", Upload("second"u8.ToArray(), "notes.txt"), Ct);

        Assert.Equal("second", await client.GetStringAsync("/api/files/notes.txt", Ct));
        Assert.Equal([Convert.ToHexStringLower(SHA256.HashData("second"u8))], Blobs(node));
        Assert.Equal(1, (await (await client.GetAsync("/api/files", Ct)).JsonAsync()).GetProperty("files").GetArrayLength());

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("/api/files/notes.txt", Ct)).StatusCode);
        Assert.Empty(Blobs(node));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/files/notes.txt", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync("/api/files/notes.txt", Ct)).StatusCode);
    }

    [Fact]
    public async Task Upload_WithAnNfdName_IsOneFile_FetchedAndReplacedByItsNfcName()
    {
        await using var node = await TestNode.StartAsync();
        using var client = await node.CreateLoggedInClientAsync();
        const string nfd = "cafe\u0301 menu.txt";
        const string nfc = "caf\u00e9 menu.txt";

        var uploaded = await client.PostAsync("/api/upload", Upload("first"u8.ToArray(), nfd, contentType: "text/plain"), Ct);

        Assert.Equal(HttpStatusCode.Created, uploaded.StatusCode);
        Assert.Equal(nfc, (await uploaded.JsonAsync()).GetProperty("name").GetString());
        Assert.Equal("first"u8.ToArray(), await client.GetByteArrayAsync("/api/files/" + Uri.EscapeDataString(nfc), Ct));
        Assert.Equal("first"u8.ToArray(), await client.GetByteArrayAsync("/api/files/" + Uri.EscapeDataString(nfd), Ct));

        await client.PostAsync("/api/upload", Upload("second"u8.ToArray(), nfc, contentType: "text/plain"), Ct);

        var entry = Assert.Single((await (await client.GetAsync("/api/files", Ct)).JsonAsync()).GetProperty("files").EnumerateArray());
        Assert.Equal(nfc, entry.GetProperty("name").GetString());
        Assert.Equal("second"u8.ToArray(), await client.GetByteArrayAsync("/api/files/" + Uri.EscapeDataString(nfd), Ct));
    }

    [Fact]
    public async Task SameContentUnderTwoNames_OneBlob_KeptUntilBothAreGone()
    {
        await using var node = await TestNode.StartAsync();
        using var client = await node.CreateLoggedInClientAsync();

        await client.PostAsync("/api/upload", Upload("same"u8.ToArray(), "a.txt"), Ct);
        await client.PostAsync("/api/upload", Upload("same"u8.ToArray(), "b.txt"), Ct);
        Assert.Single(Blobs(node));
        await client.DeleteAsync("/api/files/a.txt", Ct);

        Assert.Equal("same", await client.GetStringAsync("/api/files/b.txt", Ct));
        Assert.Single(Blobs(node));
    }

    [Theory]
    [InlineData("../escape.txt")]
    [InlineData("CON")]
    [InlineData("x:stream")]
    [InlineData("trailing.")]
    public async Task BadNames_Get400_AndNothingIsKept(string name)
    {
        await using var node = await TestNode.StartAsync();
        using var client = await node.CreateLoggedInClientAsync();

        var response = await client.PostAsync("/api/upload", Upload("x"u8.ToArray(), name), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("refused", (await response.JsonAsync()).GetProperty("error").GetString());
        Assert.Empty(Blobs(node));
        Assert.False(File.Exists(Path.Combine(node.DataDir, "escape.txt")));
    }

    [Theory]
    [InlineData("invoice\u202Etxt.exe", "U+202E")]
    [InlineData("pay\u200Bpal.pdf", "U+200B")]
    [InlineData("\uFEFFnotes.txt", "U+FEFF")]
    public async Task SpoofingNames_Get400NamingTheCharacter_AndNothingIsKept(string name, string codePoint)
    {
        await using var node = await TestNode.StartAsync();
        using var client = await node.CreateLoggedInClientAsync();

        var response = await client.PostAsync("/api/upload", Upload("x"u8.ToArray(), name), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(codePoint, (await response.JsonAsync()).GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Empty(Blobs(node));
        Assert.Equal(0, (await (await client.GetAsync("/api/files", Ct)).JsonAsync()).GetProperty("files").GetArrayLength());
    }

    [Fact]
    public async Task FileKeptBeforeNamesWereChecked_CanStillBeDownloadedAndDeleted()
    {
        await using var node = await TestNode.StartAsync();
        using var client = await node.CreateLoggedInClientAsync();
        const string legacy = "old\u202Etxt.exe";
        var store = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<MeshMind.Files.Store.FileStore>(node.App.Services);
        await store.SaveAsync(legacy, "text/plain", new MemoryStream("kept"u8.ToArray()), Ct);
        var path = "/api/files/" + Uri.EscapeDataString(legacy);

        Assert.Equal("kept", await client.GetStringAsync(path, Ct));
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync(path, Ct)).StatusCode);
        Assert.Empty(Blobs(node));
    }

    [Fact]
    public async Task NotMultipart_Or_NoFileField_GetsAClearError()
    {
        await using var node = await TestNode.StartAsync();
        using var client = await node.CreateLoggedInClientAsync();

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await client.PostAsJsonAsync("/api/upload", new { name = "x" }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync("/api/upload", Upload("x"u8.ToArray(), "a.txt", field: "other"), Ct)).StatusCode);
    }

    [Fact]
    public async Task Anonymous_CannotUploadListOrDownload()
    {
        await using var node = await TestNode.StartAsync();
        using var anonymous = node.CreateClient();
        anonymous.DefaultRequestHeaders.Add("x-peer-llm", "1");

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/api/upload", Upload("x"u8.ToArray(), "a.txt"), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/files", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/files/a.txt", Ct)).StatusCode);
    }

    [Fact]
    public async Task Chat_WithAnUploadedFile_SendsItsContentAsContext()
    {
        await using var ollama = await FixtureAsync();
        await using var node = await StartAsync("solo", ollama.BaseAddress.ToString());
        await UntilLocalLlmAsync(node);
        using var client = await node.CreateLoggedInClientAsync();
        await client.PostAsync("/api/upload", Upload("The launch code is PURPLE-42."u8.ToArray(), "secret plan.txt", contentType: "text/plain"), Ct);

        var response = await client.PostAsJsonAsync("/api/chat", new { message = "what is the launch code?", filename = "secret plan.txt" }, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var messages = ollama.LastRequest!["messages"]!.AsArray();
        Assert.Contains("analyses files", messages[0]!["content"]!.GetValue<string>());
        var question = messages[^1]!["content"]!.GetValue<string>();
        Assert.Contains("The launch code is PURPLE-42.", question);
        Assert.EndsWith("Question: what is the launch code?", question);
    }
}
