using System.Globalization;
using System.Text.Json;

namespace MeshMind.Llm.Ollama;

/// <summary>Ollama's wire types to MeshMind's request and answer model, and back. Pure functions.</summary>
internal static class OllamaTranslation
{
    public static LlmRequest ToRequest(OllamaChatRequest chat) => new()
    {
        Model = chat.Model ?? "",
        Messages = [.. (chat.Messages ?? []).Select(m => new LlmMessage(m.Role ?? LlmMessage.User, m.Content ?? "")
        {
            Images = m.Images is { Count: > 0 } images ? images : null,
            OllamaExtras = m.Extras is { Count: > 0 } extras ? extras : null,
        })],
        Options = ToOptions(chat.Options),
        OllamaExtras = chat.Extras is { Count: > 0 } requestExtras ? requestExtras : null,
    };

    /// <summary>
    /// A generate request as a completion of its prompt (an Ollama host gets it as a generate, with every field the client
    /// sent) and as the equivalent chat for other hosts: optional system prompt, then the prompt as the user's message.
    /// </summary>
    public static LlmRequest ToRequest(OllamaGenerateRequest generate)
    {
        var messages = new List<LlmMessage>();
        if (!string.IsNullOrEmpty(generate.System))
        {
            messages.Add(new LlmMessage(LlmMessage.System, generate.System));
        }

        messages.Add(new LlmMessage(LlmMessage.User, generate.Prompt ?? "") { Images = generate.Images is { Count: > 0 } images ? images : null });
        return new LlmRequest
        {
            Model = generate.Model ?? "",
            Messages = messages,
            Options = ToOptions(generate.Options),
            Prompt = new LlmPrompt(generate.Prompt ?? ""),
            OllamaExtras = generate.Extras is { Count: > 0 } extras ? extras : null,
        };
    }

    /// <summary>A completion as an Ollama host takes it (<c>POST /api/generate</c>), always streamed.</summary>
    /// <exception cref="InvalidOperationException"><paramref name="request"/> is a chat, not a completion.</exception>
    public static OllamaGenerateRequest ToGenerateWire(LlmRequest request)
    {
        var prompt = request.Prompt ?? throw new InvalidOperationException("a chat is not a completion; send it with ToWire");
        var user = request.Messages.LastOrDefault(m => m.Role == LlmMessage.User);
        return new OllamaGenerateRequest
        {
            Model = request.Model,
            Prompt = prompt.Text,
            System = request.Messages.FirstOrDefault(m => m.Role == LlmMessage.System)?.Content,
            Images = user?.Images is { Count: > 0 } images ? [.. images] : null,
            Options = ToWire(request.Options),
            Stream = true,
            Extras = request.OllamaExtras is { Count: > 0 } extras ? new Dictionary<string, JsonElement>(extras) : null,
        };
    }

    /// <summary>The request as an Ollama host takes it, always streamed (the answer is read line by line whatever the client asked).</summary>
    public static OllamaChatRequest ToWire(LlmRequest request) => new()
    {
        Model = request.Model,
        Messages = [.. request.Messages.Select(m => new OllamaMessage
        {
            Role = m.Role,
            Content = m.Content,
            Images = m.Images is { Count: > 0 } images ? [.. images] : null,
            Extras = m.OllamaExtras is { Count: > 0 } extras ? new Dictionary<string, JsonElement>(extras) : null,
        })],
        Options = ToWire(request.Options),
        Stream = true,
        Extras = request.OllamaExtras is { Count: > 0 } requestExtras ? new Dictionary<string, JsonElement>(requestExtras) : null,
    };

    public static LlmChunk ToChunk(OllamaChatLine line) => new(line.Message?.Content ?? "")
    {
        Thinking = line.Message?.Thinking,
        ToolCalls = line.Message?.ToolCalls,
    };

    public static LlmChunk ToChunk(OllamaGenerateLine line) => new(line.Response) { Thinking = line.Thinking };

    public static LlmResult ToResult(OllamaGenerateLine line) => new()
    {
        DoneReason = line.DoneReason ?? "stop",
        Content = line.Response,
        TotalDuration = line.TotalDuration ?? 0,
        LoadDuration = line.LoadDuration ?? 0,
        PromptEvalCount = line.PromptEvalCount ?? 0,
        PromptEvalDuration = line.PromptEvalDuration ?? 0,
        EvalCount = line.EvalCount ?? 0,
        EvalDuration = line.EvalDuration ?? 0,
        OllamaExtras = line.Extras is { Count: > 0 } extras ? extras : null,
    };

    public static LlmResult ToResult(OllamaChatLine line) => new()
    {
        DoneReason = line.DoneReason ?? "stop",
        Content = line.Message?.Content ?? "",
        TotalDuration = line.TotalDuration ?? 0,
        LoadDuration = line.LoadDuration ?? 0,
        PromptEvalCount = line.PromptEvalCount ?? 0,
        PromptEvalDuration = line.PromptEvalDuration ?? 0,
        EvalCount = line.EvalCount ?? 0,
        EvalDuration = line.EvalDuration ?? 0,
    };

    /// <summary>A chunk as a line of Ollama's chat stream.</summary>
    public static OllamaChatLine ChatLine(string model, LlmChunk chunk, DateTimeOffset at) => new()
    {
        Model = model,
        CreatedAt = Timestamp(at),
        Message = new OllamaAnswerMessage { Content = chunk.Content, Thinking = chunk.Thinking, ToolCalls = chunk.ToolCalls },
    };

    /// <summary>
    /// The last line of Ollama's chat stream (or, with the whole answer, the one object of a chat not streamed: its text,
    /// thinking and tool calls).
    /// </summary>
    public static OllamaChatLine ChatDone(string model, LlmResult result, string content, DateTimeOffset at, string? thinking = null,
        JsonElement? toolCalls = null) => new()
    {
        Model = model,
        CreatedAt = Timestamp(at),
        Message = new OllamaAnswerMessage { Content = content, Thinking = thinking, ToolCalls = toolCalls },
        Done = true,
        DoneReason = result.DoneReason,
        TotalDuration = result.TotalDuration,
        LoadDuration = result.LoadDuration,
        PromptEvalCount = result.PromptEvalCount,
        PromptEvalDuration = result.PromptEvalDuration,
        EvalCount = result.EvalCount,
        EvalDuration = result.EvalDuration,
    };

    public static OllamaGenerateLine GenerateLine(string model, LlmChunk chunk, DateTimeOffset at) => new()
    {
        Model = model,
        CreatedAt = Timestamp(at),
        Response = chunk.Content,
        Thinking = chunk.Thinking,
    };

    /// <summary>The last line of a generate stream (or the one object of a generate not streamed), with the host's <c>context</c> and the like.</summary>
    public static OllamaGenerateLine GenerateDone(string model, LlmResult result, string content, DateTimeOffset at, string? thinking = null) => new()
    {
        Model = model,
        CreatedAt = Timestamp(at),
        Response = content,
        Thinking = thinking,
        Extras = result.OllamaExtras is { Count: > 0 } extras ? new Dictionary<string, JsonElement>(extras) : null,
        Done = true,
        DoneReason = result.DoneReason,
        TotalDuration = result.TotalDuration,
        LoadDuration = result.LoadDuration,
        PromptEvalCount = result.PromptEvalCount,
        PromptEvalDuration = result.PromptEvalDuration,
        EvalCount = result.EvalCount,
        EvalDuration = result.EvalDuration,
    };

    private static string Timestamp(DateTimeOffset at) => at.UtcDateTime.ToString("o", CultureInfo.InvariantCulture);

    /// <summary>Ollama's options: the ones MeshMind models, typed; every other one (or a modelled one of an unexpected type) kept as JSON.</summary>
    private static GenerationOptions? ToOptions(Dictionary<string, JsonElement>? options)
    {
        if (options is not { Count: > 0 })
        {
            return null;
        }

        var rest = new Dictionary<string, JsonElement>(options, StringComparer.Ordinal);
        double? Double(string name) => Take(name, JsonValueKind.Number, out var v) && v.TryGetDouble(out var d) ? d : null;
        int? Int(string name) => Take(name, JsonValueKind.Number, out var v) && v.TryGetInt32(out var i) ? i : null;
        long? Long(string name) => Take(name, JsonValueKind.Number, out var v) && v.TryGetInt64(out var l) ? l : null;
        bool Take(string name, JsonValueKind kind, out JsonElement value)
        {
            if (rest.TryGetValue(name, out value) && value.ValueKind == kind)
            {
                rest.Remove(name);
                return true;
            }

            return false;
        }

        IReadOnlyList<string>? stop = null;
        if (rest.TryGetValue("stop", out var stopValue) && stopValue.ValueKind == JsonValueKind.Array
            && stopValue.EnumerateArray().All(s => s.ValueKind == JsonValueKind.String))
        {
            stop = [.. stopValue.EnumerateArray().Select(s => s.GetString()!)];
            rest.Remove("stop");
        }

        return new GenerationOptions
        {
            Temperature = Double("temperature"),
            TopP = Double("top_p"),
            TopK = Int("top_k"),
            MaxTokens = Int("num_predict"),
            Seed = Long("seed"),
            Stop = stop,
            PresencePenalty = Double("presence_penalty"),
            FrequencyPenalty = Double("frequency_penalty"),
            OllamaExtras = rest.Count > 0 ? rest : null,
        };
    }

    private static Dictionary<string, JsonElement>? ToWire(GenerationOptions? options)
    {
        if (options is null)
        {
            return null;
        }

        var wire = options.OllamaExtras is { } extras ? new Dictionary<string, JsonElement>(extras, StringComparer.Ordinal) : [];
        void Put(string name, JsonElement? value)
        {
            if (value is { } v)
            {
                wire[name] = v;
            }
        }

        Put("temperature", Json.Number(options.Temperature));
        Put("top_p", Json.Number(options.TopP));
        Put("top_k", Json.Number(options.TopK));
        Put("num_predict", Json.Number(options.MaxTokens));
        Put("seed", Json.Number(options.Seed));
        Put("presence_penalty", Json.Number(options.PresencePenalty));
        Put("frequency_penalty", Json.Number(options.FrequencyPenalty));
        Put("stop", Json.Strings(options.Stop));
        return wire.Count > 0 ? wire : null;
    }
}
