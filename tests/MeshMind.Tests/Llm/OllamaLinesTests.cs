using System.Buffers;
using System.Text;
using MeshMind.Llm.Ollama;

namespace MeshMind.Tests.Llm;

/// <summary>The line splitter and classifier that let a node pass Ollama's NDJSON on without parsing every token.</summary>
public sealed class OllamaLinesTests
{
    private static ReadOnlySequence<byte> Bytes(string text) => new(Encoding.UTF8.GetBytes(text));

    /// <summary>The same text cut into several segments at the given lengths, as a pipe hands over data that came in pieces.</summary>
    private static ReadOnlySequence<byte> Pieces(string text, params int[] cuts)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        Segment? first = null;
        Segment? last = null;
        var start = 0;
        foreach (var end in cuts.Append(bytes.Length))
        {
            var segment = new Segment(bytes.AsMemory(start, end - start), last);
            first ??= segment;
            last = segment;
            start = end;
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private static string Text(ReadOnlySequence<byte> bytes) => Encoding.UTF8.GetString(bytes.ToArray());

    [Fact]
    public void TryReadLine_SplitsAtNewlines_AcrossSegments_AndDropsCarriageReturns()
    {
        var buffer = Pieces("{\"a\":1}\r\n{\"b\":\n2}\n{\"par", 3, 12, 16);

        Assert.True(OllamaLines.TryReadLine(ref buffer, out var first));
        Assert.Equal("{\"a\":1}", Text(first));
        Assert.True(OllamaLines.TryReadLine(ref buffer, out var second));
        Assert.Equal("{\"b\":", Text(second));
        Assert.True(OllamaLines.TryReadLine(ref buffer, out var third));
        Assert.Equal("2}", Text(third));
        Assert.False(OllamaLines.TryReadLine(ref buffer, out _));
        Assert.Equal("{\"par", Text(buffer));
    }

    [Theory]
    [InlineData("{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},\"done\":false}", OllamaLineKind.Chunk)]
    [InlineData("{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,\"eval_count\":3}", OllamaLineKind.Done)]
    [InlineData("{ \"done\" : true }", OllamaLineKind.Done)]
    [InlineData("{\"message\":{\"content\":\"{\\\"done\\\":true}\"},\"done\":false}", OllamaLineKind.Chunk)]
    [InlineData("{\"message\":{\"tool_calls\":[{\"function\":{\"arguments\":{\"done\":true}}}]},\"done\":false}", OllamaLineKind.Chunk)]
    [InlineData("{\"model\":\"m\"}", OllamaLineKind.Chunk)]
    [InlineData("{\"error\":\"model crashed\"}", OllamaLineKind.Error)]
    [InlineData("{\"error\":null,\"done\":false}", OllamaLineKind.Chunk)]
    [InlineData("{\"model\":\"m\",\"message\":{\"content\":\"cut of", OllamaLineKind.Invalid)]
    [InlineData("{\"done\":true} trailing", OllamaLineKind.Invalid)]
    [InlineData("[1,2]", OllamaLineKind.Invalid)]
    [InlineData("not json", OllamaLineKind.Invalid)]
    public void Classify_ReadsOnlyTheTopLevel(string line, OllamaLineKind expected)
    {
        Assert.Equal(expected, OllamaLines.Classify(Bytes(line), out _));
        Assert.Equal(expected, OllamaLines.Classify(Pieces(line, line.Length / 3, line.Length / 2), out _));
    }

    [Fact]
    public void Classify_ErrorLine_GivesTheMessage()
    {
        Assert.Equal(OllamaLineKind.Error, OllamaLines.Classify(Bytes("{\"error\":\"out of memory\"}"), out var error));
        Assert.Equal("out of memory", error);
    }

    [Theory]
    [InlineData("", true)]
    [InlineData(" \t\r", true)]
    [InlineData(" {}", false)]
    public void IsBlank(string line, bool expected) => Assert.Equal(expected, OllamaLines.IsBlank(Pieces(line, line.Length / 2)));

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, Segment? previous)
        {
            Memory = memory;
            if (previous is not null)
            {
                RunningIndex = previous.RunningIndex + previous.Memory.Length;
                previous.Next = this;
            }
        }
    }
}
