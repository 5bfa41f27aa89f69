using System.Globalization;
using System.Text.Json.Nodes;

namespace MeshMind.FakeOllama;

/// <summary>
/// Ollama's model management as documented (docs/api.md): <c>POST /api/pull</c> (streamed <c>pulling manifest</c>, <c>pulling
/// &lt;digest&gt;</c> with <c>total</c> and <c>completed</c>, <c>verifying sha256 digest</c>, <c>writing manifest</c>, <c>success</c>;
/// with <c>"stream": false</c> one <c>{"status": "success"}</c>; an unknown model ends in <c>{"error"}</c>),
/// <c>DELETE /api/delete</c> (404 for a model it does not have) and <c>POST /api/show</c>. A pulled model joins
/// <see cref="FakeOllamaOptions.Models"/> (a new list each time, so readers never see one change under them).
/// </summary>
public sealed partial class FakeOllamaServer
{
    /// <summary>Ollama's message when the registry has no such model.</summary>
    public const string PullNotFound = "pull model manifest: file does not exist";

    private readonly Lock _modelsLock = new();
    private int _pullRequests;
    private int _deleteRequests;

    /// <summary><c>/api/pull</c> requests received.</summary>
    public int PullRequests => Volatile.Read(ref _pullRequests);

    /// <summary><c>/api/delete</c> requests received.</summary>
    public int DeleteRequests => Volatile.Read(ref _deleteRequests);

    private void MapModelManagement(WebApplication app)
    {
        app.MapPost("/api/pull", PullAsync);
        app.MapDelete("/api/delete", DeleteAsync);
        app.MapPost("/api/show", ShowAsync);
    }

    /// <summary>The listed model of that name (<c>llama3</c> is <c>llama3:latest</c>), or null.</summary>
    private static FakeModel? Named(IEnumerable<FakeModel> models, string name)
    {
        var full = name.Contains(':', StringComparison.Ordinal) ? name : name + ":latest";
        return models.FirstOrDefault(m => string.Equals(m.Name, full, StringComparison.OrdinalIgnoreCase));
    }

    private static string? ModelOf(JsonObject? request) =>
        (request?["model"] ?? request?["name"]) is JsonValue value && value.TryGetValue<string>(out var model) ? model : null;

    private async Task PullAsync(HttpContext context)
    {
        Interlocked.Increment(ref _pullRequests);
        var request = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted) as JsonObject;
        var name = ModelOf(request) ?? "";
        var stream = request?["stream"] is not JsonValue s || !s.TryGetValue<bool>(out var streamed) || streamed;
        var model = Named(Options.Models, name) ?? Named(Options.Pullable, name);
        if (!stream)
        {
            if (model is null)
            {
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                await context.Response.WriteAsJsonAsync(new JsonObject { ["error"] = PullNotFound });
                return;
            }

            await DownloadAsync(context, model, line: null);
            Install(model);
            await context.Response.WriteAsJsonAsync(new JsonObject { ["status"] = "success" });
            return;
        }

        context.Response.ContentType = "application/x-ndjson";
        try
        {
            await WriteLineAsync(context, new JsonObject { ["status"] = "pulling manifest" }, null);
            if (model is null)
            {
                await WriteLineAsync(context, new JsonObject { ["error"] = PullNotFound }, null);
                return;
            }

            await DownloadAsync(context, model, line => WriteLineAsync(context, line, null));
            foreach (var (digest, size) in SmallLayers(model))
            {
                await WriteLineAsync(context, Pulling(digest, size, size), null);
            }

            await WriteLineAsync(context, new JsonObject { ["status"] = "verifying sha256 digest" }, null);
            await WriteLineAsync(context, new JsonObject { ["status"] = "writing manifest" }, null);
            Install(model);
            await WriteLineAsync(context, new JsonObject { ["status"] = "success" }, null);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The client went away; Ollama stops the pull then too.
        }
    }

    /// <summary>The model's layer, paced by <see cref="FakeOllamaOptions.PullBytesPerSecond"/>; each step is a progress line.</summary>
    private async Task DownloadAsync(HttpContext context, FakeModel model, Func<JsonObject, Task>? line)
    {
        var digest = "sha256:" + Digest(model);
        var total = model.Size;
        if (Options.PullBytesPerSecond <= 0)
        {
            for (var step = 0; step <= 4; step++)
            {
                if (line is not null)
                {
                    await line(Pulling(digest, total, total * step / 4));
                }
            }

            return;
        }

        var time = Options.TimeProvider;
        var started = time.GetTimestamp();
        long completed = 0;
        while (true)
        {
            if (line is not null)
            {
                await line(Pulling(digest, total, completed));
            }

            if (completed >= total)
            {
                return;
            }

            await Task.Delay(Options.PullInterval, time, context.RequestAborted);
            completed = Math.Min(total, (long)(time.GetElapsedTime(started).TotalSeconds * Options.PullBytesPerSecond));
        }
    }

    /// <summary>A pull's progress line for one layer; Ollama leaves <c>completed</c> out until some of it has come.</summary>
    private static JsonObject Pulling(string digest, long total, long completed)
    {
        var line = new JsonObject { ["status"] = "pulling " + digest["sha256:".Length..][..12], ["digest"] = digest, ["total"] = total };
        if (completed > 0)
        {
            line["completed"] = completed;
        }

        return line;
    }

    /// <summary>A model's template and parameters layers: small, and there at once.</summary>
    private static IEnumerable<(string Digest, long Size)> SmallLayers(FakeModel model) =>
        new[] { "template", "params" }.Select(kind => ("sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes(kind + "\n" + model.Name))), (long)(kind.Length * 100)));

    private void Install(FakeModel model)
    {
        lock (_modelsLock)
        {
            if (Named(Options.Models, model.Name) is null)
            {
                Options.Models = [.. Options.Models, model];
            }
        }
    }

    private async Task DeleteAsync(HttpContext context)
    {
        Interlocked.Increment(ref _deleteRequests);
        var request = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted) as JsonObject;
        var name = ModelOf(request) ?? "";
        bool removed;
        lock (_modelsLock)
        {
            var model = Named(Options.Models, name);
            removed = model is not null;
            if (removed)
            {
                Options.Models = [.. Options.Models.Where(m => m != model)];
            }
        }

        if (!removed)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            await context.Response.WriteAsJsonAsync(new JsonObject { ["error"] = $"model '{name}' not found" });
        }
    }

    private async Task ShowAsync(HttpContext context)
    {
        var request = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted) as JsonObject;
        var name = ModelOf(request) ?? "";
        if (Named(Options.Models, name) is not { } model)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            await context.Response.WriteAsJsonAsync(new JsonObject { ["error"] = $"model '{name}' not found" });
            return;
        }

        await context.Response.WriteAsJsonAsync(new JsonObject
        {
            ["license"] = "scripted license",
            ["modelfile"] = $"# Modelfile generated by \"ollama show\"\nFROM {model.Name}\nTEMPLATE \"{{{{ .Prompt }}}}\"\n",
            ["parameters"] = "stop \"<|eot_id|>\"",
            ["template"] = "{{ .Prompt }}",
            ["details"] = Details(model),
            ["model_info"] = new JsonObject
            {
                ["general.architecture"] = model.Family,
                ["general.basename"] = model.Name.Split(':')[0],
                ["general.parameter_count"] = ParameterCount(model.ParameterSize),
            },
            ["capabilities"] = new JsonArray("completion"),
            ["modified_at"] = "2026-11-01T12:00:00.000000000Z",
        });
    }

    /// <summary>"8.0B" → 8000000000, "494.03M" → 494030000 (0 for anything else).</summary>
    private static long ParameterCount(string size)
    {
        var scale = size.EndsWith('B') ? 1e9 : size.EndsWith('M') ? 1e6 : 0;
        return scale > 0 && double.TryParse(size[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? (long)(n * scale) : 0;
    }
}
