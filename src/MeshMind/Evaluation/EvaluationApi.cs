using MeshMind.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MeshMind.Evaluation;

/// <summary>
/// <c>/api/evaluations</c>: the Evaluate screen starts a short evaluation of the mesh through this node (<see cref="Evaluations"/>),
/// follows its progress, cancels it, and shows its report (<c>report.html</c>, in a sandboxed frame) and <c>results.json</c>.
/// </summary>
internal static class EvaluationApi
{
    /// <summary>
    /// The report is eval's own HTML (inline SVG and CSS, no script): it may be framed by this node's pages only, and runs sandboxed
    /// (no script, an origin of its own) even when opened on its own.
    /// </summary>
    private const string ReportPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox";

    public static IEndpointRouteBuilder MapEvaluationApi(this IEndpointRouteBuilder endpoints)
    {
        var evaluations = endpoints.MapGroup("/api/evaluations");
        evaluations.MapPost("/", StartAsync)
            .AcceptsJson<StartEvaluationRequest>()
            .Produces<EvaluationResponse>(StatusCodes.Status202Accepted)
            .ProducesErrors(400, 409, 413, 415, 503);
        evaluations.MapGet("/", List).Produces<EvaluationResponse[]>();
        evaluations.MapGet("/{id}", Get).Produces<EvaluationResponse>().ProducesErrors(404);
        evaluations.MapPost("/{id}/cancel", Cancel).Produces<EvaluationResponse>(StatusCodes.Status202Accepted).ProducesErrors(404, 409);
        evaluations.MapGet("/{id}/report", Report).ProducesFile().ProducesErrors(404);
        evaluations.MapGet("/{id}/results.json", Results).ProducesFile().ProducesErrors(404);
        return endpoints;
    }

    private static async Task<IResult> StartAsync(HttpContext context, Evaluations evaluations, CancellationToken cancellationToken)
    {
        var (request, error) = await JsonBody.ReadAsync(context.Request, EvaluationJsonContext.Default.StartEvaluationRequest, maxBytes: 1024);
        if (error is not null)
        {
            return error;
        }

        var seconds = request!.DurationSeconds ?? Evaluations.DefaultSeconds;
        if (seconds is < Evaluations.MinSeconds or > Evaluations.MaxSeconds)
        {
            return ApiResults.Error(StatusCodes.Status400BadRequest,
                $"duration_seconds: give the load phase's length in seconds, {Evaluations.MinSeconds} to {Evaluations.MaxSeconds}");
        }

        var (run, status, problem) = await evaluations.StartAsync(seconds, cancellationToken);
        if (run is null)
        {
            return ApiResults.Error(status, problem!);
        }

        context.Response.Headers.Location = $"/api/evaluations/{run.Id}";
        return TypedResults.Json(run.Describe(), EvaluationJsonContext.Default.EvaluationResponse, statusCode: StatusCodes.Status202Accepted);
    }

    private static JsonHttpResult<EvaluationResponse[]> List(Evaluations evaluations) =>
        TypedResults.Json([.. evaluations.List().Select(r => r.Describe())], EvaluationJsonContext.Default.EvaluationResponseArray);

    private static IResult Get(string id, Evaluations evaluations) =>
        evaluations.Find(id) is { } run
            ? TypedResults.Json(run.Describe(), EvaluationJsonContext.Default.EvaluationResponse)
            : NotFound(id);

    private static IResult Cancel(string id, Evaluations evaluations)
    {
        if (evaluations.Find(id) is not { } run)
        {
            return NotFound(id);
        }

        if (!run.IsRunning)
        {
            return ApiResults.Error(StatusCodes.Status409Conflict, $"evaluation {id} is not running");
        }

        run.Cancel();
        return TypedResults.Json(run.Describe(), EvaluationJsonContext.Default.EvaluationResponse, statusCode: StatusCodes.Status202Accepted);
    }

    private static IResult Report(HttpContext context, string id, Evaluations evaluations)
    {
        if (evaluations.Find(id) is not { IsRunning: false } run || !File.Exists(run.ReportPath))
        {
            return ApiResults.Error(StatusCodes.Status404NotFound, $"evaluation {id} has no report (yet)");
        }

        var headers = context.Response.Headers;
        headers.XFrameOptions = "SAMEORIGIN";
        headers.ContentSecurityPolicy = ReportPolicy;
        headers.CacheControl = "no-store";
        return TypedResults.PhysicalFile(run.ReportPath, "text/html; charset=utf-8");
    }

    private static IResult Results(string id, Evaluations evaluations) =>
        evaluations.Find(id) is { IsRunning: false } run && File.Exists(run.ResultsPath)
            ? TypedResults.PhysicalFile(run.ResultsPath, "application/json", $"meshmind-evaluation-{id}.json")
            : ApiResults.Error(StatusCodes.Status404NotFound, $"evaluation {id} has no results.json (yet)");

    private static JsonHttpResult<ErrorResponse> NotFound(string id) => ApiResults.Error(StatusCodes.Status404NotFound, $"no evaluation {id} on this node (since it started)");
}
