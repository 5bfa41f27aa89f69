using Microsoft.AspNetCore.Http.Features;

namespace MeshMind.Infrastructure;

internal static class StreamingResponse
{
    /// <summary>Sets up a response whose chunks must reach the client as they are written: no caching, no response buffering.</summary>
    public static void Start(HttpContext context, string contentType)
    {
        context.Response.ContentType = contentType;
        context.Response.Headers.CacheControl = "no-cache";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
    }
}
