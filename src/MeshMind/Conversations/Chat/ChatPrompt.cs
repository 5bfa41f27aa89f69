using MeshMind.Knowledge.Answers;
using MeshMind.Llm;

namespace MeshMind.Conversations.Chat;

/// <summary>Builds the messages sent for one <c>/api/chat</c> turn: system prompt, bounded earlier turns, then the question.</summary>
internal static class ChatPrompt
{
    public const string SystemPrompt =
        "You are MeshMind, a helpful assistant running on the user's own machines. Answer clearly and concisely; use Markdown for code and lists.";

    /// <summary>Asked after an answer that stopped, to have the model write the rest of it.</summary>
    public const string ContinuePrompt =
        "Your previous answer was cut off. Continue it from exactly where it stopped, without repeating anything or commenting on the interruption.";

    /// <param name="history">Earlier exchanges of the conversation, oldest first.</param>
    /// <param name="fileText">The attached file as <see cref="ChatFiles.Describe"/> gives it, if any.</param>
    /// <param name="question">The user's new message.</param>
    /// <param name="maxTurns">At most this many earlier turns; the newest are kept.</param>
    /// <param name="maxCharacters">Earlier turns stop once their questions and answers exceed this many characters.</param>
    /// <param name="systemPrompt">The conversation's own system prompt, instead of <see cref="SystemPrompt"/> (after the file prompt, with a file).</param>
    /// <param name="excerpts">Numbered excerpts of the mesh's files (<see cref="KnowledgeContext"/>), if the chat uses them.</param>
    public static List<LlmMessage> Build(IReadOnlyList<Exchange> history, string? fileText, string question, int maxTurns, int maxCharacters,
        string? systemPrompt = null, string? excerpts = null)
    {
        var kept = new List<Exchange>();
        var characters = 0;
        for (var i = history.Count - 1; i >= 0 && kept.Count < maxTurns; i--)
        {
            var turn = history[i];
            characters += turn.Question.Length + turn.Answer.Length;
            if (characters > maxCharacters)
            {
                break;
            }

            kept.Add(turn);
        }

        kept.Reverse();
        var system = fileText is null ? systemPrompt ?? SystemPrompt : systemPrompt is null ? ChatFiles.FileSystemPrompt : $"{ChatFiles.FileSystemPrompt}\n\n{systemPrompt}";
        if (excerpts is not null)
        {
            system = $"{system}\n\n{KnowledgeContext.Instructions}";
        }

        var messages = new List<LlmMessage> { new(LlmMessage.System, system) };
        foreach (var turn in kept)
        {
            messages.Add(new LlmMessage(LlmMessage.User, turn.Question));
            messages.Add(new LlmMessage(LlmMessage.Assistant, turn.Answer));
        }

        var context = string.Join("\n\n", new[] { excerpts, fileText }.Where(t => t is not null));
        messages.Add(new LlmMessage(LlmMessage.User, context.Length == 0 ? question : $"{context}\n\nQuestion: {question}"));
        return messages;
    }
}
