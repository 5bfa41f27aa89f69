using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace MeshMind.FakeOllama;

/// <summary>
/// A scripted server speaking Ollama's documented HTTP API (<c>/api/version</c>, <c>/api/tags</c>, <c>/api/ps</c>,
/// <c>/api/chat</c> with tool calls, <c>/api/generate</c>, <c>/api/embed</c>; NDJSON streaming with Ollama's field names and final statistics).
/// Replies are deterministic; pacing (a pause per token or a fixed rate) and faults come from <see cref="FakeOllamaOptions"/>;
/// with <see cref="FakeOllamaOptions.Gpu"/> set, a <see cref="GpuSimulation"/> decides when each token comes and what the
/// final statistics and <c>/api/ps</c> say.
/// </summary>
public sealed partial class FakeOllamaServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;
    private int _completed;
    private int _cancelled;
    private int _listRequests;

    private FakeOllamaServer(WebApplication app, FakeOllamaOptions options)
    {
        _app = app;
        Options = options;
    }

    public FakeOllamaOptions Options { get; }

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Chat and generate requests received.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Streams that ran to their final line.</summary>
    public int Completed => Volatile.Read(ref _completed);

    /// <summary><c>/api/tags</c> and <c>/api/ps</c> requests received (counted when they arrive, before any <see cref="FakeOllamaOptions.ListDelay"/>).</summary>
    public int ListRequests => Volatile.Read(ref _listRequests);

    /// <summary>Streams the client abandoned before the end (cancellation reached the backend).</summary>
    public int Cancelled => Volatile.Read(ref _cancelled);

    /// <summary>The body of the last chat or generate request, as received.</summary>
    public JsonObject? LastRequest { get; private set; }

    /// <summary>Where the fake answers with <see cref="LastRequest"/> (404 before the first chat or generate request); not an Ollama route.</summary>
    public const string LastRequestPath = "/fake/last-request";

    /// <summary>The bytes of the last streamed answer, as sent, when <see cref="FakeOllamaOptions.KeepLastStream"/> is set.</summary>
    public string LastStream { get; private set; } = "";

    /// <summary>The simulated GPU serving chat and generate when <see cref="FakeOllamaOptions.Gpu"/> is set; null otherwise.</summary>
    public GpuSimulation? Gpu { get; private set; }

    /// <summary>Ollama's error when more requests wait than <c>OLLAMA_MAX_QUEUE</c> allows (its <c>ErrMaxQueue</c>, answered with 503).</summary>
    public const string ServerBusy = "server busy, please try again.  maximum pending requests exceeded";

    /// <summary>The message of the error line that <see cref="FakeFault.ErrorAfterTokens"/> sends.</summary>
    public const string ScriptedError = "scripted failure mid-answer";

    /// <summary>The W3C <c>traceparent</c> header of the last chat or generate request ("" when it had none).</summary>
    public string LastTraceParent { get; private set; } = "";

    public static async Task<FakeOllamaServer> StartAsync(FakeOllamaOptions? options = null, string address = "127.0.0.1", int port = 0,
        CancellationToken cancellationToken = default)
    {
        options ??= new FakeOllamaOptions();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        // Ollama (a Go server) listens with the system's maximum backlog (Go reads net.core.somaxconn); with Kestrel's default
        // of 512 a burst of 1,000 chats overflowed the fixture's accept queue, and a dropped SYN is retried only a second later.
        // Linux caps a larger backlog at net.core.somaxconn.
        builder.Services.Configure<SocketTransportOptions>(sockets => sockets.Backlog = ushort.MaxValue);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Parse(address), port, listen =>
        {
            listen.Use(next => connection =>
            {
                if (options.Fault == FakeFault.Refuse)
                {
                    connection.Abort(new ConnectionAbortedException("refusing, as scripted"));
                    return Task.CompletedTask;
                }

                return next(connection);
            });
        }));
        var app = builder.Build();
        var server = new FakeOllamaServer(app, options);
        server.Gpu = options.Gpu is { } gpu ? new GpuSimulation(gpu, options.TimeProvider, server.LoadedModels().Select(m => m.Name)) : null;
        app.MapGet("/", () => "Ollama is running");
        app.MapGet("/api/version", () => Results.Json(new JsonObject { ["version"] = options.Version }));
        app.MapGet("/api/tags", context => server.ListAsync(context, () => [.. options.Models.Select(server.Tag), .. server.DiskTags()]));
        app.MapGet("/api/ps", context => server.ListAsync(context, server.RunningModels));
        app.MapPost("/api/chat", context => server.AnswerAsync(context, chat: true));
        app.MapPost("/api/generate", context => server.AnswerAsync(context, chat: false));
        app.MapPost("/api/embed", server.EmbedAsync);
        // Not Ollama's: lets a test that runs the fake as a process of its own see what the model was asked (LastRequest).
        app.MapGet(LastRequestPath, () => server.LastRequest is { } last ? Results.Json(last) : Results.NotFound());
        server.MapModelManagement(app);
        server.MapBlobs(app);
        await app.StartAsync(cancellationToken);
        server.BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    /// <summary>The deterministic reply for a prompt, split into the tokens that are streamed.</summary>
    public static IReadOnlyList<string> Tokens(string reply) =>
        [.. reply.Split(' ').Select((word, i) => i == 0 ? word : " " + word)];

    public string ReplyFor(string model, string prompt) => Options.Reply ?? $"Echo from {model}: {prompt}";

    private async Task ListAsync(HttpContext context, Func<JsonNode?[]> models)
    {
        Interlocked.Increment(ref _listRequests);
        if (Options.ListDelay != TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(Options.ListDelay, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        await context.Response.WriteAsJsonAsync(new JsonObject { ["models"] = new JsonArray(models()) });
    }

    private IEnumerable<FakeModel> LoadedModels() =>
        Options.Loaded is { } loaded ? Options.Models.Where(m => loaded.Contains(m.Name)) : Options.Models.Take(1);

    private JsonObject Tag(FakeModel model) => new()
    {
        ["name"] = model.Name,
        ["model"] = model.Name,
        ["modified_at"] = "2026-11-01T12:00:00.000000000Z",
        ["size"] = model.Size,
        ["digest"] = Digest(model),
        ["details"] = Details(model),
    };

    private JsonNode?[] RunningModels()
    {
        if (Gpu is null)
        {
            return [.. LoadedModels().Select(m => Running(m, DateTimeOffset.UtcNow.AddMinutes(5)))];
        }

        var loaded = Gpu.LoadedModels();
        return [.. loaded.Join(Options.Models, l => l.Name, m => m.Name, (l, m) => Running(m, l.ExpiresAt))];
    }

    private static JsonObject Running(FakeModel model, DateTimeOffset expiresAt) => new()
    {
        ["name"] = model.Name,
        ["model"] = model.Name,
        ["size"] = model.Size,
        ["digest"] = Digest(model),
        ["details"] = Details(model),
        ["expires_at"] = expiresAt.ToString("o", CultureInfo.InvariantCulture),
        ["size_vram"] = model.Size,
    };

    private static JsonObject Details(FakeModel model) => new()
    {
        ["parent_model"] = "",
        ["format"] = "gguf",
        ["family"] = model.Family,
        ["families"] = new JsonArray(model.Family),
        ["parameter_size"] = model.ParameterSize,
        ["quantization_level"] = "Q4_0",
    };

    private static string Digest(FakeModel model) => model.Digest ??
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(model.Name)));

    /// <summary>
    /// The listed model <paramref name="request"/> names (with or without <c>:latest</c>), or null once the request has had
    /// Ollama's answer: 404 for a model it does not have, 500 for <see cref="FakeFault.ServerError"/>.
    /// </summary>
    private async Task<FakeModel?> KnownModelAsync(HttpContext context, JsonObject? request)
    {
        var model = request?["model"]?.GetValue<string>() ?? "";
        var known = Options.Models.FirstOrDefault(m => m.Name == model || m.Name == model + ":latest");
        if (known is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            await context.Response.WriteAsJsonAsync(new JsonObject { ["error"] = $"model \"{model}\" not found, try pulling it first" });
            return null;
        }

        if (Options.Fault == FakeFault.ServerError)
        {
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            await context.Response.WriteAsJsonAsync(new JsonObject { ["error"] = "scripted failure" });
            return null;
        }

        return known;
    }

    private async Task AnswerAsync(HttpContext context, bool chat)
    {
        Interlocked.Increment(ref _requests);
        var request = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted) as JsonObject;
        LastRequest = request;
        LastTraceParent = context.Request.Headers["traceparent"].ToString();
        if (await KnownModelAsync(context, request) is not { } known)
        {
            return;
        }

        var prompt = chat ? ChatPrompt(request!) : request!["prompt"]?.GetValue<string>() ?? "";
        var stream = request!["stream"]?.GetValue<bool>() ?? true;
        KeepImages(request, chat);
        if (chat && ToolCallFor(request) is { } toolCall)
        {
            await AnswerToolCallAsync(context, known.Name, toolCall, stream, prompt);
            return;
        }

        var reply = ReplyFor(known.Name, prompt);
        var tokens = Tokens(reply);
        var started = DateTimeOffset.UtcNow;
        using var job = Gpu is null ? null : await EnqueueAsync(context, request, chat, known.Name, reply, tokens.Count);
        if (Gpu is not null && job is null)
        {
            return;
        }

        var sent = Options.KeepLastStream ? new System.Text.StringBuilder() : null;
        var schedule = Options.TokensPerSecond > 0 ? new TokenSchedule(Options.TokensPerSecond, Options.TimeProvider) : null;
        var due = 0;
        try
        {
            if (!stream)
            {
                if (job is not null)
                {
                    await job.WaitForTokensAsync(tokens.Count, context.RequestAborted);
                }

                await context.Response.WriteAsJsonAsync(Final(known.Name, chat, string.Concat(tokens), tokens.Count, prompt, started, job?.Statistics));
                Interlocked.Increment(ref _completed);
                return;
            }

            context.Response.ContentType = "application/x-ndjson";
            for (var i = 0; i < tokens.Count; i++)
            {
                if (Options.Fault == FakeFault.ErrorAfterTokens && i == Options.FaultAfterTokens)
                {
                    await WriteLineAsync(context, new JsonObject { ["error"] = ScriptedError }, sent);
                    return;
                }

                if (Options.Fault == FakeFault.EndAfterTokens && i == Options.FaultAfterTokens)
                {
                    return;
                }

                if (Options.Fault == FakeFault.DieAfterTokens && i == Options.FaultAfterTokens)
                {
                    // Let the client read what was sent (an abort resets the connection, and a reset discards unread
                    // data), then die without the final line.
                    await Task.Delay(TimeSpan.FromMilliseconds(200), context.RequestAborted);
                    context.Abort();
                    return;
                }

                if (Options.Fault == FakeFault.StallAfterTokens && i == Options.FaultAfterTokens)
                {
                    await Task.Delay(Timeout.Infinite, context.RequestAborted);
                }

                if (job is not null)
                {
                    // The simulated GPU says when each token is out; every token out by now goes before the next wait.
                    if (i >= due)
                    {
                        due = await job.WaitForTokensAsync(i + 1, context.RequestAborted);
                    }
                }
                else if (schedule is not null)
                {
                    // Every token whose time has come goes out before the next wait, each as its own flushed line.
                    if (i >= due)
                    {
                        due = await schedule.WaitForAsync(i, context.RequestAborted);
                    }
                }
                else if (Options.TokenDelay > TimeSpan.Zero)
                {
                    await Task.Delay(Options.TokenDelay, context.RequestAborted);
                }

                var chunk = new JsonObject { ["model"] = known.Name, ["created_at"] = Now() };
                if (chat)
                {
                    chunk["message"] = new JsonObject { ["role"] = "assistant", ["content"] = tokens[i] };
                }
                else
                {
                    chunk["response"] = tokens[i];
                }

                chunk["done"] = false;
                await WriteLineAsync(context, chunk, sent);
            }

            var final = Final(known.Name, chat, "", tokens.Count, prompt, started, job?.Statistics);
            if (Options.Fault == FakeFault.BrokenFinalLine)
            {
                final["eval_count"] = "many";
            }

            await WriteLineAsync(context, final, sent);
            Interlocked.Increment(ref _completed);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            Interlocked.Increment(ref _cancelled);
        }
        catch (IOException)
        {
            Interlocked.Increment(ref _cancelled);
        }
        finally
        {
            if (sent is not null)
            {
                LastStream = sent.ToString();
            }
        }
    }

    private static JsonObject Final(string model, bool chat, string content, int evalCount, string prompt, DateTimeOffset started,
        GpuStatistics? simulated)
    {
        var elapsed = (long)((DateTimeOffset.UtcNow - started).TotalMilliseconds * 1_000_000);
        var final = new JsonObject { ["model"] = model, ["created_at"] = Now() };
        if (chat)
        {
            final["message"] = new JsonObject { ["role"] = "assistant", ["content"] = content };
        }
        else
        {
            final["response"] = content;
            final["context"] = new JsonArray(1, 2, 3);
        }

        final["done"] = true;
        final["done_reason"] = "stop";
        final["total_duration"] = elapsed + 1_000;
        final["load_duration"] = 1_000;
        final["prompt_eval_count"] = Math.Max(1, prompt.Split(' ').Length);
        final["prompt_eval_duration"] = 1_000;
        final["eval_count"] = evalCount;
        final["eval_duration"] = Math.Max(1, elapsed);
        if (simulated is not null)
        {
            // Ollama's statistics in nanoseconds, as the simulation spent the time (TimeSpan ticks are 100 ns).
            final["total_duration"] = simulated.Total.Ticks * 100;
            final["load_duration"] = simulated.Load.Ticks * 100;
            final["prompt_eval_count"] = simulated.PromptEvalCount;
            final["prompt_eval_duration"] = simulated.PromptEval.Ticks * 100;
            final["eval_count"] = simulated.EvalCount;
            final["eval_duration"] = simulated.Eval.Ticks * 100;
        }

        return final;
    }

    private static string Now() => DateTimeOffset.UtcNow.ToString("o", CultureInfo.InvariantCulture);

    private async Task WriteLineAsync(HttpContext context, JsonObject line, System.Text.StringBuilder? sent)
    {
        var text = line.ToJsonString(JsonSerializerOptions.Default) + "\n";
        if (sent is not null)
        {
            // Kept before the bytes go out: a client that has the whole answer must find it all here (the final line too).
            sent.Append(text);
            LastStream = sent.ToString();
        }

        await context.Response.WriteAsync(text, context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }
}
