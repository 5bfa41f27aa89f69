using System.Text;
using MeshMind.Auth;
using MeshMind.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace MeshMind.Tests.Infrastructure;

/// <summary>The request-body reader behind every JSON endpoint: the value, or a clear 400/413/415.</summary>
public sealed class JsonBodyTests
{
    private const string Login = """{"username":"admin","password":"secret"}""";

    [Fact]
    public async Task Read_ValidBody_Value()
    {
        var (value, error) = await JsonBody.ReadAsync(Request(Encoding.UTF8.GetBytes(Login)), AuthJsonContext.Default.LoginRequest);

        Assert.Null(error);
        Assert.Equal(new LoginRequest("admin", "secret"), value);
    }

    [Fact]
    public async Task Read_InSmallPiecesWithoutLength_Value()
    {
        var big = $$"""{"username":"{{new string('u', 20_000)}}","password":"secret"}""";

        var (value, error) = await JsonBody.ReadAsync(Request(Encoding.UTF8.GetBytes(big), chunk: 7, announceLength: false), AuthJsonContext.Default.LoginRequest);

        Assert.Null(error);
        Assert.Equal(20_000, value!.Username!.Length);
    }

    [Fact]
    public async Task Read_ByteOrderMark_Value()
    {
        var (value, error) = await JsonBody.ReadAsync(Request([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(Login)]), AuthJsonContext.Default.LoginRequest);

        Assert.Null(error);
        Assert.Equal("admin", value!.Username);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Read_LargerThanLimit_413(bool announceLength)
    {
        var body = Encoding.UTF8.GetBytes($$"""{"username":"{{new string('u', 200)}}"}""");

        var (value, error) = await JsonBody.ReadAsync(Request(body, chunk: 16, announceLength: announceLength), AuthJsonContext.Default.LoginRequest, maxBytes: 100);

        Assert.Null(value);
        Assert.Equal(StatusCodes.Status413PayloadTooLarge, Assert.IsType<IStatusCodeHttpResult>(error, exactMatch: false).StatusCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{\"username\":")]
    [InlineData("{} trailing")]
    [InlineData("null")]
    public async Task Read_NotAnObject_400(string body)
    {
        var (value, error) = await JsonBody.ReadAsync(Request(Encoding.UTF8.GetBytes(body)), AuthJsonContext.Default.LoginRequest);

        Assert.Null(value);
        Assert.Equal(StatusCodes.Status400BadRequest, Assert.IsType<IStatusCodeHttpResult>(error, exactMatch: false).StatusCode);
    }

    [Fact]
    public async Task Read_NotJson_415()
    {
        var request = Request(Encoding.UTF8.GetBytes(Login));
        request.ContentType = "text/plain";

        var (_, error) = await JsonBody.ReadAsync(request, AuthJsonContext.Default.LoginRequest);

        Assert.Equal(StatusCodes.Status415UnsupportedMediaType, Assert.IsType<IStatusCodeHttpResult>(error, exactMatch: false).StatusCode);
    }

    private static HttpRequest Request(byte[] body, int chunk = int.MaxValue, bool announceLength = true)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.ContentType = "application/json";
        context.Request.ContentLength = announceLength ? body.Length : null;
        context.Request.Body = new ChunkedStream(body, chunk);
        return context.Request;
    }

    /// <summary>A body that arrives at most <paramref name="chunk"/> bytes per read.</summary>
    private sealed class ChunkedStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, chunk));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            base.ReadAsync(buffer, offset, Math.Min(count, chunk), cancellationToken);
    }
}
