namespace MeshMind.Llm;

/// <summary>
/// Context a chat can be given besides its messages: excerpts of the mesh's shared files for its question. The Knowledge
/// feature provides it; front-ends that offer "use mesh files" (the <c>/v1</c> extension <c>"knowledge": true</c>) use it
/// without knowing how the excerpts are found.
/// </summary>
internal interface IChatGrounding
{
    /// <summary>The excerpts for <paramref name="question"/> (at most <paramref name="maxCharacters"/>), or null when nothing matched.</summary>
    Task<ChatGrounding?> GroundAsync(string question, int maxCharacters, CancellationToken cancellationToken);
}

/// <summary>Numbered excerpts for the prompt, how the model is to use them (for the system prompt), and their sources.</summary>
internal sealed record ChatGrounding(string Instructions, string Excerpts, IReadOnlyList<ChatSource> Sources)
{
    /// <summary>
    /// <paramref name="messages"/> with the instructions added to the first system message (or one added first) and the
    /// excerpts put before the text of the last user message, as MeshMind's own chat does.
    /// </summary>
    public List<LlmMessage> Apply(IReadOnlyList<LlmMessage> messages)
    {
        var grounded = messages.ToList();
        var last = grounded.FindLastIndex(m => m.Role == LlmMessage.User);
        if (last >= 0)
        {
            grounded[last] = grounded[last] with { Content = $"{Excerpts}\n\nQuestion: {grounded[last].Content}" };
        }

        var system = grounded.FindIndex(m => m.Role == LlmMessage.System);
        if (system >= 0)
        {
            grounded[system] = grounded[system] with { Content = $"{grounded[system].Content}\n\n{Instructions}" };
        }
        else
        {
            grounded.Insert(0, new LlmMessage(LlmMessage.System, Instructions));
        }

        return grounded;
    }
}

/// <summary>One excerpt's source, numbered as the answer cites it (<c>[1]</c> is the first).</summary>
internal sealed record ChatSource(int Number, string NodeId, string Node, string File, string Snippet, string DownloadUrl);
