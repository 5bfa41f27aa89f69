using MeshMind.Llm;

namespace MeshMind.Knowledge.Answers;

/// <summary>The mesh's shared files as grounding for front-ends outside Conversations (the <c>/v1</c> extension): <see cref="KnowledgeContext"/>.</summary>
internal sealed class KnowledgeGrounding(KnowledgeContext context) : IChatGrounding
{
    public async Task<ChatGrounding?> GroundAsync(string question, int maxCharacters, CancellationToken cancellationToken)
    {
        var (text, sources) = await context.BuildAsync(question, maxCharacters, cancellationToken);
        return text is null
            ? null
            : new ChatGrounding(KnowledgeContext.Instructions, text,
                [.. sources.Select(s => new ChatSource(s.Number, s.NodeId, s.Node, s.File, s.Snippet, s.DownloadUrl))]);
    }
}
