using System.Text.Json;
using System.Text.Json.Nodes;
using MeshMind.Files.Peers;
using MeshMind.Files.Store;
using MeshMind.Knowledge.Answers;
using MeshMind.Llm;
using MeshMind.Llm.Routing;

namespace MeshMind.Conversations.Chat;

/// <summary>Checking a chat request and turning it into a <see cref="ChatTurn"/>.</summary>
internal static partial class ChatApi
{
    private const int MaxNodeIdLength = 64;

    /// <returns>The turn, or the status and error to answer with instead.</returns>
    private static async Task<(ChatTurn? Turn, int Status, ChatFailure? Failure)> PlanAsync(JsonObject json, ChatApiRequest body,
        ConversationStore store, MeshFileReader files, KnowledgeContext knowledge, LlmOptions llm, CancellationToken aborted)
    {
        ConversationHeader? header = null;
        var conversationId = ConversationStore.NewConversationId();
        if (body.ConversationId is { Length: > 0 } requested)
        {
            if (!ConversationStore.IsValidId(requested) || (header = await store.HeaderAsync(requested, aborted)) is null)
            {
                return Fail(404, "no such conversation on this node; omit 'conversation_id' to start one", "no_conversation");
            }

            conversationId = requested;
        }

        Exchange? continued = null;
        if (body.ContinueExchangeId is { Length: > 0 } continueId)
        {
            if (header is null)
            {
                return Fail(400, "'continue_exchange_id' needs the 'conversation_id' it belongs to", "invalid");
            }

            if ((continued = await store.FindAsync(conversationId, continueId, aborted)) is null)
            {
                return Fail(404, "no such exchange in this conversation to continue", "no_exchange");
            }
        }

        var question = continued?.Question ?? body.Message?.Trim();
        if (string.IsNullOrEmpty(question))
        {
            return Fail(400, "'message' is required", "invalid");
        }

        if (question.Length > MaxMessageCharacters)
        {
            return Fail(413, $"'message' is longer than {MaxMessageCharacters} characters", "invalid");
        }

        string? parentId;
        if (continued is not null)
        {
            parentId = continued.ParentId;
        }
        else if (header is null || body.ParentId is "")
        {
            parentId = null;
        }
        else if (body.ParentId is null)
        {
            parentId = await store.NewestExchangeIdAsync(conversationId, aborted);
        }
        else if (await store.FindAsync(conversationId, body.ParentId, aborted) is { } parent)
        {
            parentId = parent.Id;
        }
        else
        {
            return Fail(404, "'parent_id' is not an exchange of this conversation", "no_exchange");
        }

        var (settings, invalidSettings) = ConversationSettingsInput.Read(json, header?.Settings ?? ConversationSettings.None);
        if (invalidSettings is not null)
        {
            return Fail(400, invalidSettings, "invalid");
        }

        if (body.Host is { Length: > MaxNodeIdLength } || body.AvoidHost is { Length: > MaxNodeIdLength })
        {
            return Fail(400, "'host' and 'avoid_host' are node ids (64 characters)", "invalid");
        }

        var choice = body.Host is { Length: > 0 } || body.AvoidHost is { Length: > 0 }
            ? new HostChoice(body.Host is { Length: > 0 } ? body.Host : null, body.AvoidHost is { Length: > 0 } ? body.AvoidHost : null)
            : null;

        string? fileText = null;
        if (continued is null && body.Filename is { Length: > 0 } fileName)
        {
            if (FileNames.Check(fileName).Name is null)
            {
                return Fail(400, "'filename' must be a plain file name, without folders", "invalid");
            }

            if (await files.ReadAsync(fileName, ChatFiles.MaxFileBytes, aborted) is not { } content)
            {
                return Fail(404, $"no file named '{fileName}' on this node", "no_file");
            }

            fileText = ChatFiles.Describe(fileName, content);
        }

        string? excerpts = null;
        IReadOnlyList<KnowledgeSource>? sources = null;
        if (body.Knowledge && continued is null)
        {
            // Half of the context budget: the rest stays for the conversation so far.
            (excerpts, sources) = await knowledge.BuildAsync(question, llm.ContextCharacters / 2, aborted);
        }

        var history = await store.BranchAsync(conversationId, parentId, llm.ContextTurns, aborted);
        var messages = ChatPrompt.Build(history, fileText, question, llm.ContextTurns, llm.ContextCharacters, settings!.SystemPrompt, excerpts);
        if (continued is not null)
        {
            messages.Add(new LlmMessage(LlmMessage.Assistant, continued.Answer));
            messages.Add(new LlmMessage(LlmMessage.User, ChatPrompt.ContinuePrompt));
        }

        var request = new LlmRequest
        {
            Model = body.Model ?? continued?.Model ?? "",
            Messages = messages,
            Options = settings.Temperature is null && settings.MaxTokens is null
                ? null
                : new GenerationOptions { Temperature = settings.Temperature, MaxTokens = settings.MaxTokens },
        };
        return (new ChatTurn(conversationId, question, parentId, continued, settings, request, choice, body.Stream, sources), 200, null);
    }

    private static (ChatTurn?, int, ChatFailure?) Fail(int status, string error, string reason) => (null, status, new ChatFailure(error, reason));

    private static T? Deserialize<T>(JsonObject json, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) where T : class
    {
        try
        {
            return json.Deserialize(type);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
