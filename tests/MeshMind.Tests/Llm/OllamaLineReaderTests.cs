using System.Buffers;
using System.Text;
using MeshMind.Llm.Ollama;
using MeshMind.Tests.Support;

namespace MeshMind.Tests.Llm;

/// <summary>Reading an Ollama NDJSON body line by line, whatever pieces it arrives in.</summary>
public sealed class OllamaLineReaderTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<OllamaLineReader> OpenAsync(params string[] pieces) =>
        OllamaLineReader.OpenAsync(new HttpResponseMessage { Content = new StreamContent(new PiecesStream(pieces)) }, Ct);

    private static async Task<List<(OllamaLineKind Kind, string Text, string? Error)>> ReadAllAsync(OllamaLineReader reader)
    {
        var lines = new List<(OllamaLineKind, string, string?)>();
        while (await reader.ReadAsync(null, Ct, Ct))
        {
            lines.Add((reader.Kind, Encoding.UTF8.GetString(reader.Line.ToArray()), reader.Error));
        }

        return lines;
    }

    [Fact]
    public async Task ReadAsync_LinesCutAcrossReads_ComeWhole_BlankLinesSkipped_LastLineWithoutNewlineKept()
    {
        await using var reader = await OpenAsync("{\"done\":fal", "se}\n\n  \n{\"err", "or\":\"boom\"}\r\n{\"done\":true}");

        var lines = await ReadAllAsync(reader);

        Assert.Equal(
            [(OllamaLineKind.Chunk, "{\"done\":false}", null), (OllamaLineKind.Error, "{\"error\":\"boom\"}", "boom"), (OllamaLineKind.Done, "{\"done\":true}", null)],
            lines);
    }

    [Fact]
    public async Task ReadAsync_BodyCutOffMidLine_GivesAnInvalidLine()
    {
        await using var reader = await OpenAsync("{\"done\":false}\n{\"message\":{\"content\":\"cut");

        var lines = await ReadAllAsync(reader);

        Assert.Equal([OllamaLineKind.Chunk, OllamaLineKind.Invalid], lines.Select(l => l.Kind));
    }

    [Fact]
    public async Task ReadAsync_LineLongerThanTheLimit_IsInvalid_AndEndsTheBody()
    {
        var endless = new string('a', 64 * 1024);
        await using var reader = await OpenAsync([.. Enumerable.Repeat(endless, (OllamaLines.MaxLineBytes / endless.Length) + 2), "\n{\"done\":true}\n"]);

        var lines = await ReadAllAsync(reader);

        var only = Assert.Single(lines);
        Assert.Equal(OllamaLineKind.Invalid, only.Kind);
        Assert.Contains("longer than", only.Error);
    }

    /// <summary>Returns at most one piece per read (the rest of it on the next), as a network stream returns what has arrived.</summary>
    private sealed class PiecesStream(string[] pieces) : ReadOnlyTestStream
    {
        private int _next;
        private byte[] _rest = [];

        public override int Read(Span<byte> buffer)
        {
            if (_rest.Length == 0)
            {
                if (_next == pieces.Length)
                {
                    return 0;
                }

                _rest = Encoding.UTF8.GetBytes(pieces[_next++]);
            }

            var count = Math.Min(buffer.Length, _rest.Length);
            _rest.AsSpan(0, count).CopyTo(buffer);
            _rest = _rest[count..];
            return count;
        }
    }
}
