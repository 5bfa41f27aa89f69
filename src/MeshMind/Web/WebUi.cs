using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;

namespace MeshMind.Web;

/// <summary>
/// Serves the React UI embedded in the assembly at <c>/app/</c>: hashed assets with long caching, and
/// <c>index.html</c> for every client-side route so deep links survive a reload.
/// </summary>
internal static class WebUi
{
    public const string BasePath = "/app";

    /// <summary>The embedded UI; empty when the build skipped the UI (<c>MeshMindSkipUi=true</c>).</summary>
    public static IFileProvider CreateFileProvider(TimeProvider time) => new EmbeddedUiFileProvider(typeof(WebUi).Assembly, time);

    public static WebApplication UseWebUi(this WebApplication app, IFileProvider files)
    {
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            RequestPath = BasePath,
            ContentTypeProvider = new FileExtensionContentTypeProvider(),
            OnPrepareResponse = static context =>
            {
                var hashed = context.Context.Request.Path.StartsWithSegments("/app/assets", StringComparison.Ordinal);
                context.Context.Response.Headers.CacheControl = hashed ? "public, max-age=31536000, immutable" : "no-cache";
            },
        });
        return app;
    }

    public static IEndpointRouteBuilder MapWebUi(this IEndpointRouteBuilder endpoints, IFileProvider files)
    {
        endpoints.MapGet("/", () => TypedResults.Redirect(BasePath + "/")).AllowAnonymous().ExcludeFromDescription();
        endpoints.MapGet(BasePath + "/{**route}", (string? route, HttpContext context) => ServeIndexAsync(route, context, files))
            .AllowAnonymous().ExcludeFromDescription();
        return endpoints;
    }

    private static async Task ServeIndexAsync(string? route, HttpContext context, IFileProvider files)
    {
        // "/app" and "/app/" share this route; relative asset URLs need the trailing slash.
        if (route is null && !context.Request.Path.Value!.EndsWith('/'))
        {
            context.Response.Redirect(BasePath + "/");
            return;
        }

        // A path with an extension names a file; if the static file middleware did not serve it, it does not exist.
        if (Path.HasExtension(route))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var index = files.GetFileInfo("index.html");
        context.Response.Headers.CacheControl = "no-cache";
        if (!index.Exists)
        {
            context.Response.ContentType = "text/plain; charset=utf-8";
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            await context.Response.WriteAsync("This meshmind build has no web UI (built with MeshMindSkipUi=true). The API works.", context.RequestAborted);
            return;
        }

        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.ContentLength = index.Length;
        await using var stream = index.CreateReadStream();
        await stream.CopyToAsync(context.Response.Body, context.RequestAborted);
    }
}
