namespace MeshMind.Files.Api;

/// <summary>
/// A multipart section's body that reports a body cut off before its closing boundary as <see cref="InvalidDataException"/>
/// (the upload's 400) rather than the plain <see cref="IOException"/> the multipart reader throws, which reached the client
/// as a 500. Transport failures (Kestrel's <c>BadHttpRequestException</c>, a reset connection) are subclasses and pass as they are.
/// </summary>
internal sealed class CutOffAsInvalidData(Stream inner) : Stream
{
    public const string Message = "the body ended before the multipart closing boundary";

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public static bool IsCutOff(IOException ex) => ex.GetType() == typeof(IOException);

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        try
        {
            return inner.Read(buffer);
        }
        catch (IOException ex) when (IsCutOff(ex))
        {
            throw new InvalidDataException(Message, ex);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            return await inner.ReadAsync(buffer, cancellationToken);
        }
        catch (IOException ex) when (IsCutOff(ex))
        {
            throw new InvalidDataException(Message, ex);
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
