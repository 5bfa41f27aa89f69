using System.Buffers;
using System.Text;
using System.Text.Json;
using MeshMind.Infrastructure;
using MeshMind.Llm.Ollama;
using MeshMind.Llm.Pipeline;
using MeshMind.Llm.Routing;

namespace MeshMind.Llm.OpenAi;

/// <summary>
/// OpenAI's legacy <c>POST /v1/completions</c> as a front-end: each prompt is routed like a chat, as a completion of the
/// prompt as written. An Ollama host gets it as <c>POST /api/generate</c> with <c>"raw": true</c> (no chat template, no
/// system prompt: the model continues the text, as OpenAI defines this endpoint); a host of another protocol gets it as a
/// chat whose only message is the prompt. Several prompts are completed one after another, each its own choice.
/// </summary>
internal static class OpenAiCompletions
{
    /// <summary>Prompts in one request; each is a separate answer, completed in turn.</summary>
    public const int MaxPrompts = 16;

    private static readonly JsonElement s_true = JsonSerializer.SerializeToElement(true, OpenAiJsonContext.Default.Boolean);

    /// <summary>Completes each prompt as written (raw, no chat template), whole or as server-sent <c>text_completion</c> chunks.</summary>
    public static async Task CompleteAsync(HttpContext context, LlmRouter router, TimeProvider time)
    {
        var (body, error) = await JsonBody.ReadAsync(context.Request, OpenAiJsonContext.Default.OpenAiCompletionRequest, OllamaFrontEnd.MaxRequestBytes);
        if (error is not null || body is null)
        {
            var message = error is IValueHttpResult { Value: ErrorResponse e } ? e.Error : "the request body is not valid";
            await OpenAiApi.WriteErrorAsync(context, (error as IStatusCodeHttpResult)?.StatusCode ?? 400, message, "invalid_request_error");
            return;
        }

        if (Refusal(body) is var (refusal, param))
        {
            await OpenAiApi.WriteErrorAsync(context, 400, refusal, "invalid_request_error", param);
            return;
        }

        var prompts = Prompts(body.Prompt)!;
        var id = "cmpl-" + Guid.NewGuid().ToString("N")[..24];
        var created = time.GetUtcNow().ToUnixTimeSeconds();
        try
        {
            if (body.Stream)
            {
                await StreamAsync(context, router, body, prompts, id, created);
            }
            else
            {
                await AnswerAsync(context, router, body, prompts, id, created);
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; disposing the answer cancelled the request at the host.
        }
    }

    /// <summary>What is wrong with the request, if anything, and the field it is about.</summary>
    private static (string Message, string Param)? Refusal(OpenAiCompletionRequest body)
    {
        if (string.IsNullOrWhiteSpace(body.Model))
        {
            return ("'model' is required", "model");
        }

        if (Prompts(body.Prompt) is not { Count: > 0 and <= MaxPrompts })
        {
            return ($"'prompt' must be a string or an array of 1 to {MaxPrompts} strings (token arrays are not supported)", "prompt");
        }

        return body switch
        {
            { N: not (null or 1) } => ("only n = 1 is supported", "n"),
            { BestOf: not (null or 1) } => ("only best_of = 1 is supported", "best_of"),
            { Echo: true } => ("echo is not supported", "echo"),
            { Logprobs: not null } => ("logprobs are not supported", "logprobs"),
            _ => null,
        };
    }

    private static List<string>? Prompts(JsonElement? prompt) => prompt switch
    {
        { ValueKind: JsonValueKind.String } one => [one.GetString()!],
        { ValueKind: JsonValueKind.Array } many when many.EnumerateArray().All(p => p.ValueKind == JsonValueKind.String) =>
            [.. many.EnumerateArray().Select(p => p.GetString()!)],
        _ => null,
    };

    /// <summary>One prompt as a completion: raw for an Ollama host, with the suffix if any; a single user message otherwise.</summary>
    internal static LlmRequest ToRequest(OpenAiCompletionRequest body, string prompt)
    {
        var extras = new Dictionary<string, JsonElement>(StringComparer.Ordinal) { ["raw"] = s_true };
        if (body.Suffix is { } suffix)
        {
            extras["suffix"] = JsonSerializer.SerializeToElement(suffix, OpenAiJsonContext.Default.String);
        }

        return new LlmRequest
        {
            Model = body.Model!,
            Messages = [new LlmMessage(LlmMessage.User, prompt)],
            Prompt = new LlmPrompt(prompt),
            Options = OpenAiTranslation.Options(body.Temperature, body.TopP, body.MaxTokens, body.Seed, body.PresencePenalty, body.FrequencyPenalty, body.Stop),
            OllamaExtras = extras,
        };
    }

    /// <summary>Opens the answer for one prompt, or says why the router could not (for the caller to answer in the form it is writing).</summary>
    private static async Task<(LlmAnswer? Answer, LlmUnavailableException? Error)> OpenAsync(HttpContext context, LlmRouter router, LlmRequest request)
    {
        try
        {
            return (await router.OpenAsync(request, includePeers: true, context.RequestAborted, origin: RequestOrigin.Of(context)), null);
        }
        catch (LlmUnavailableException ex)
        {
            return (null, ex);
        }
    }

    private static Task WriteUnavailableAsync(HttpContext context, LlmUnavailableException ex) =>
        OpenAiApi.WriteErrorAsync(context, ex.StatusCode, ex.Message, ex.StatusCode == 404 ? "invalid_request_error" : "server_error",
            code: ex.StatusCode == 404 ? "model_not_found" : null);

    private static async Task AnswerAsync(HttpContext context, LlmRouter router, OpenAiCompletionRequest body, List<string> prompts, string id, long created)
    {
        var choices = new List<OpenAiTextChoice>();
        var model = body.Model!;
        int promptTokens = 0, completionTokens = 0;
        for (var index = 0; index < prompts.Count; index++)
        {
            var (answer, unavailable) = await OpenAsync(context, router, ToRequest(body, prompts[index]));
            if (answer is null)
            {
                await WriteUnavailableAsync(context, unavailable!);
                return;
            }

            await using (answer)
            {
                var text = new StringBuilder();
                try
                {
                    await foreach (var chunk in answer.ReadAsync())
                    {
                        text.Append(chunk.Content);
                    }
                }
                catch (LlmStreamException ex)
                {
                    await OpenAiApi.WriteErrorAsync(context, StatusCodes.Status502BadGateway, ex.Message, "server_error");
                    return;
                }

                model = answer.Model;
                choices.Add(new OpenAiTextChoice(text.ToString(), index, null, OpenAiApi.FinishReason(answer.Final)));
                promptTokens += answer.Final?.PromptEvalCount ?? 0;
                completionTokens += answer.Final?.EvalCount ?? 0;
            }
        }

        await context.Response.WriteAsJsonAsync(
            new OpenAiTextCompletion(id, "text_completion", created, model, choices)
            {
                Usage = new OpenAiUsage(promptTokens, completionTokens, promptTokens + completionTokens),
            },
            OpenAiJsonContext.Default.OpenAiTextCompletion, contentType: null, context.RequestAborted);
    }

    /// <summary>
    /// Server-sent events of <c>text_completion</c> chunks, each prompt's in turn (its index on each), each ending with its
    /// finish reason; then the usage chunk if asked for, and <c>data: [DONE]</c>. A failure after the first event is an error
    /// event without <c>[DONE]</c>, as on chat completions.
    /// </summary>
    private static async Task StreamAsync(HttpContext context, LlmRouter router, OpenAiCompletionRequest body, List<string> prompts, string id, long created)
    {
        var response = context.Response;
        using var writer = new Utf8JsonWriter((IBufferWriter<byte>)response.BodyWriter);
        int promptTokens = 0, completionTokens = 0;
        var model = body.Model!;
        for (var index = 0; index < prompts.Count; index++)
        {
            var (answer, unavailable) = await OpenAsync(context, router, ToRequest(body, prompts[index]));
            if (answer is null)
            {
                if (!response.HasStarted)
                {
                    await WriteUnavailableAsync(context, unavailable!);
                }
                else
                {
                    await OpenAiSse.ErrorAsync(context, writer, unavailable!.Message);
                }

                return;
            }

            await using (answer)
            {
                if (index == 0)
                {
                    StreamingResponse.Start(context, "text/event-stream");
                }

                model = answer.Model;
                try
                {
                    await foreach (var chunk in answer.ReadAsync(response.BodyWriter))
                    {
                        if (chunk.Content.Length > 0)
                        {
                            Event(response, writer, new OpenAiTextCompletion(id, "text_completion", created, model,
                                [new OpenAiTextChoice(chunk.Content, index, null, null)]));
                        }
                    }
                }
                catch (LlmStreamException ex)
                {
                    await OpenAiSse.ErrorAsync(context, writer, ex.Message);
                    return;
                }

                Event(response, writer, new OpenAiTextCompletion(id, "text_completion", created, model,
                    [new OpenAiTextChoice("", index, null, OpenAiApi.FinishReason(answer.Final))]));
                promptTokens += answer.Final?.PromptEvalCount ?? 0;
                completionTokens += answer.Final?.EvalCount ?? 0;
            }
        }

        if (body.StreamOptions?.IncludeUsage == true)
        {
            Event(response, writer, new OpenAiTextCompletion(id, "text_completion", created, model, [])
            {
                Usage = new OpenAiUsage(promptTokens, completionTokens, promptTokens + completionTokens),
            });
        }

        await OpenAiSse.DoneAsync(context);
    }

    private static void Event(HttpResponse response, Utf8JsonWriter writer, OpenAiTextCompletion chunk) =>
        OpenAiSse.Event(response, writer, chunk, OpenAiJsonContext.Default.OpenAiTextCompletion);
}
