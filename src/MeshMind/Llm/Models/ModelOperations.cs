using System.Net;
using MeshMind.Infrastructure;

namespace MeshMind.Llm.Models;

/// <summary>
/// A pull and a delete on one node's Ollama, written back in MeshMind's form: the same code serves <c>/api/models/pull</c> (to
/// this node's Ollama or to a peer's mesh port) and the mesh port's <c>/api/pull</c> (to this node's Ollama), so a pull through
/// a peer is relayed twice, line by line.
/// </summary>
internal static partial class ModelOperations
{
    /// <summary>Model names Ollama accepts are far shorter (<c>namespace/model:tag</c>); this only bounds what is passed on.</summary>
    public const int MaxModelLength = 200;

    /// <summary>The trimmed model name, or the 400 error that says what is wrong with it.</summary>
    public static (string? Model, IResult? Error) CheckModel(string? model)
    {
        var name = model?.Trim() ?? "";
        if (name.Length is 0 or > MaxModelLength || name.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)) || name.Contains("..", StringComparison.Ordinal))
        {
            return (null, ApiResults.Error(StatusCodes.Status400BadRequest,
                $"model: name a model (e.g. \"llama3.2\" or \"llama3.2:1b\") of 1 to {MaxModelLength} characters without spaces"));
        }

        return (name, null);
    }

    /// <summary>
    /// Pulls <paramref name="model"/> onto <paramref name="target"/> and streams its progress; <paramref name="refresh"/> (this node's
    /// own Ollama) runs after Ollama's success and before the success line, so whoever reads the line can already see the model.
    /// </summary>
    public static async Task PullAsync(HttpContext context, ModelTarget target, string model, Func<CancellationToken, Task>? refresh)
    {
        var aborted = context.RequestAborted;
        var logger = Logger(context);
        LogPulling(logger, model, target.Name);
        HttpResponseMessage response;
        try
        {
            response = await target.Client!.StartPullAsync(model, aborted);
        }
        catch (HttpRequestException ex)
        {
            LogPullFailed(logger, model, target.Name, Unreachable(target, ex));
            await ApiResults.WriteErrorAsync(context, StatusCodes.Status503ServiceUnavailable, Unreachable(target, ex));
            return;
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            return;
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var error = await OllamaModelClient.ErrorAsync(response, aborted);
                LogPullFailed(logger, model, target.Name, error);
                await ApiResults.WriteErrorAsync(context, Relayed(response.StatusCode), error);
                return;
            }

            var progress = ModelProgress.Start(context);
            try
            {
                var succeeded = false;
                await foreach (var line in OllamaModelClient.ReadProgressAsync(response, aborted))
                {
                    if (line is { Error: null, Status: "success" })
                    {
                        succeeded = true;
                        break;
                    }

                    await progress.WriteAsync(line, aborted);
                    if (progress.Ended)
                    {
                        LogPullFailed(logger, model, target.Name, line.Error ?? "");
                        break;
                    }
                }

                if (succeeded)
                {
                    if (refresh is not null)
                    {
                        await refresh(aborted);
                    }

                    await progress.SucceededAsync(aborted);
                    LogPulled(logger, model, target.Name);
                }
                else if (!progress.Ended)
                {
                    LogPullFailed(logger, model, target.Name, "the stream ended before success");
                    await progress.FailedAsync($"the pull of {model} on {target.Name} ended before Ollama said it succeeded", aborted);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException && !aborted.IsCancellationRequested)
            {
                LogPullFailed(logger, model, target.Name, "the connection broke");
                await progress.FailedAsync($"the pull of {model} on {target.Name} stopped: the connection broke", aborted);
            }
            catch (OperationCanceledException) when (aborted.IsCancellationRequested)
            {
                // The client went away: disposing the response ends the pull's stream at Ollama.
            }
        }
    }

    /// <summary>Deletes <paramref name="model"/> from <paramref name="target"/>: 204, 404 when it has no such model, 503 when nothing answered.</summary>
    public static async Task<IResult> DeleteAsync(HttpContext context, ModelTarget target, string model, Func<CancellationToken, Task>? refresh)
    {
        var cancellationToken = context.RequestAborted;
        HttpStatusCode status;
        string? error;
        try
        {
            (status, error) = await target.Client!.DeleteAsync(model, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            return ApiResults.Error(StatusCodes.Status503ServiceUnavailable, Unreachable(target, ex));
        }

        if (error is not null)
        {
            return ApiResults.Error(Relayed(status), status == HttpStatusCode.NotFound ? $"{target.Name} has no model {model}" : error);
        }

        var logger = Logger(context);
        LogDeleted(logger, model, target.Name);
        if (refresh is not null)
        {
            await refresh(cancellationToken);
        }

        return TypedResults.NoContent();
    }

    /// <summary>Why nothing answered: no Ollama on this node, or a peer that could not be reached.</summary>
    public static string Unreachable(ModelTarget target, HttpRequestException ex) =>
        target.IsLocal
            ? $"{target.Name} has no Ollama answering ({ex.HttpRequestError}): start Ollama there, or set Llm:OllamaUrl"
            : $"could not reach {target.Name} over the mesh ({ex.HttpRequestError})";

    /// <summary>Ollama's (or a peer's) error status as this node answers it: the client's mistakes and "not there" pass on, the rest is a bad gateway.</summary>
    private static int Relayed(HttpStatusCode status) => (int)status switch
    {
        400 or 403 or 404 or 409 or 503 => (int)status,
        _ => StatusCodes.Status502BadGateway,
    };

    private static ILogger Logger(HttpContext context) =>
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ModelOperations));

    [LoggerMessage(EventId = 640, Level = LogLevel.Information, Message = "Pulling model {Model} onto {Node}")]
    private static partial void LogPulling(ILogger logger, string model, string node);

    [LoggerMessage(EventId = 641, Level = LogLevel.Information, Message = "Pulled model {Model} onto {Node}")]
    private static partial void LogPulled(ILogger logger, string model, string node);

    [LoggerMessage(EventId = 642, Level = LogLevel.Warning, Message = "Pull of model {Model} onto {Node} failed: {Error}")]
    private static partial void LogPullFailed(ILogger logger, string model, string node, string error);

    [LoggerMessage(EventId = 643, Level = LogLevel.Information, Message = "Deleted model {Model} from {Node}")]
    private static partial void LogDeleted(ILogger logger, string model, string node);
}
