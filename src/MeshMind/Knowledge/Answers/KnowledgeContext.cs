using System.Text;
using MeshMind.Knowledge.Api;
using MeshMind.Knowledge.Search;
using MeshMind.Node;

namespace MeshMind.Knowledge.Answers;

/// <summary>
/// "Use mesh files" for a chat: the chunks of the mesh's shared files that best match a question, numbered, as text for the
/// prompt (at most a given number of characters, so the context stays within what the model is given) and as the sources the
/// answer shows.
/// </summary>
internal sealed class KnowledgeContext(MeshSearch search, NodeInfo node)
{
    /// <summary>Chunks asked of the mesh for one question (fewer are used when they do not fit).</summary>
    public const int Chunks = 6;

    /// <summary>Tells the model how to use the sources; added to the system prompt.</summary>
    public const string Instructions =
        "The user's message starts with numbered excerpts from files shared in the user's mesh. Answer from them when they are relevant, " +
        "cite each excerpt you use by its number in square brackets, like [1], and say so when the excerpts do not answer the question.";

    /// <summary>The prompt text of the best chunks (null when nothing matched) and the sources it holds.</summary>
    /// <param name="question">The question, searched as typed.</param>
    /// <param name="maxCharacters">The most characters of excerpts (whole chunks only; at least the first is cut to fit).</param>
    /// <param name="cancellationToken">The chat going away.</param>
    public async Task<(string? Text, IReadOnlyList<KnowledgeSource> Sources)> BuildAsync(string question, int maxCharacters, CancellationToken cancellationToken)
    {
        var (match, _) = SearchQuery.Parse(question.Length > SearchQuery.MaxCharacters ? question[..SearchQuery.MaxCharacters] : question);
        if (match is null || maxCharacters <= 0)
        {
            return (null, []);
        }

        var result = await search.SearchAsync(question, match, Chunks, cancellationToken);
        return Compose(result.Hits, maxCharacters, node);
    }

    /// <summary>Numbers the hits and writes them as excerpts until <paramref name="maxCharacters"/> would be passed.</summary>
    internal static (string? Text, IReadOnlyList<KnowledgeSource> Sources) Compose(IReadOnlyList<MeshHit> hits, int maxCharacters, NodeInfo node)
    {
        var text = new StringBuilder("Excerpts from the mesh's shared files:\n");
        var sources = new List<KnowledgeSource>();
        foreach (var hit in hits)
        {
            var number = sources.Count + 1;
            var header = $"\n[{number}] {hit.File} (on {hit.Node}):\n";
            var room = maxCharacters - text.Length - header.Length;
            if (room <= 0 || (sources.Count > 0 && hit.Text.Length > room))
            {
                break;
            }

            text.Append(header).Append(hit.Text.Length > room ? hit.Text[..room] : hit.Text).Append('\n');
            sources.Add(new KnowledgeSource(number, hit.NodeId, hit.Node, hit.File, hit.Snippet, SearchApi.DownloadUrl(node, hit.NodeId, hit.File)));
        }

        return sources.Count == 0 ? (null, []) : (text.ToString(), sources);
    }
}
