namespace MeshMind.Llm.Pipeline;

/// <summary>What the piece of an answer just read is.</summary>
internal enum AnswerPiece
{
    /// <summary>A part of the answer.</summary>
    Chunk,

    /// <summary>The end, with the host's statistics.</summary>
    Done,

    /// <summary>The host's own error, in its protocol's error form.</summary>
    Error,

    /// <summary>Not a piece of this protocol: a broken or cut-off line.</summary>
    Invalid,
}
