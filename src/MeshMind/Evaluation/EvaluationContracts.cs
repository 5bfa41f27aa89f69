using System.Text.Json.Serialization;

namespace MeshMind.Evaluation;

/// <summary>Body of <c>POST /api/evaluations</c>: the length of the load phase in seconds, 10 to 300 (null: 30).</summary>
internal sealed record StartEvaluationRequest(int? DurationSeconds);

/// <summary>
/// One evaluation run: <c>state</c> is <c>running</c>, <c>completed</c>, <c>partial</c> (it stopped early and wrote a partial
/// report), <c>failed</c> (no report; <c>error</c> says why) or <c>cancelled</c>. <c>phase</c> is eval's own: <c>starting</c>,
/// <c>preparing</c>, <c>idle</c>, <c>load</c>, then <c>done</c>.
/// </summary>
internal sealed record EvaluationResponse(
    string Id,
    string State,
    int DurationSeconds,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt,
    string Phase,
    double ElapsedSeconds,
    double TotalSeconds,
    string? Status,
    string? Error,
    bool HasReport);

/// <summary>A line of <c>meshmind-lab eval --progress-json</c>: <c>{"progress": {...}}</c>.</summary>
internal sealed record EvaluationProgressLine(EvaluationProgress? Progress);

internal sealed record EvaluationProgress(string? Phase, double ElapsedS, double TotalS, string? Status);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(StartEvaluationRequest))]
[JsonSerializable(typeof(EvaluationResponse))]
[JsonSerializable(typeof(EvaluationResponse[]))]
[JsonSerializable(typeof(EvaluationProgressLine))]
internal sealed partial class EvaluationJsonContext : JsonSerializerContext;
