using Microsoft.AspNetCore.Http.HttpResults;

namespace MeshMind.Infrastructure;

/// <summary>Typed results for API errors in MeshMind's <c>{"error": "..."}</c> shape.</summary>
internal static class ApiResults
{
    public static JsonHttpResult<ErrorResponse> Error(int statusCode, string message) =>
        TypedResults.Json(new ErrorResponse(message), InfrastructureJsonContext.Default.ErrorResponse, statusCode: statusCode);

    public static async Task WriteErrorAsync(HttpContext context, int statusCode, string message)
    {
        context.Response.StatusCode = statusCode;
        await context.Response.WriteAsJsonAsync(new ErrorResponse(message), InfrastructureJsonContext.Default.ErrorResponse, contentType: null, context.RequestAborted);
    }
}
