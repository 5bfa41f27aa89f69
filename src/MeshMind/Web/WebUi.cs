using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.FileProviders.Embedded;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace MeshMind.Web;

/// <summary>
/// Serves the React UI embedded in the assembly at <c>/app/</c>: hashed assets with long caching, and
/// <c>index.html</c> for every client-side route so deep links survive a reload. Text files are embedded gzip-compressed
/// and sent as they are to a client that accepts gzip (every browser), decompressed to one that does not.
/// </summary>
internal static class WebUi
{
    public const string BasePath = "/app";

    /// <summary>The embedded UI; empty when the build skipped the UI (<c>MeshMindSkipUi=true</c>).</summary>
    public static EmbeddedUiFileProvider CreateFileProvider(TimeProvider time) => new(typeof(WebUi).Assembly, time);

    private static readonly FileExtensionContentTypeProvider s_contentTypes = new();

    public static WebApplication UseWebUi(this WebApplication app, EmbeddedUiFileProvider files)
    {
        app.Use((context, next) => TrySendCompressedAsync(context, files) ?? next(context));
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            RequestPath = BasePath,
            ContentTypeProvider = s_contentTypes,
            OnPrepareResponse = static context =>
            {
                context.Context.Response.Headers.CacheControl = CacheControl(context.Context.Request.Path);
                if (context.File is not EmbeddedResourceFileInfo)
                {
                    // A compressed file, decompressed for a client that does not accept gzip: others get it compressed.
                    context.Context.Response.Headers.Vary = HeaderNames.AcceptEncoding;
                }
            },
        });
        return app;
    }

    /// <summary>Hashed assets are cached for good; anything else (index.html, icons) is revalidated.</summary>
    private static string CacheControl(PathString path) =>
        path.StartsWithSegments(BasePath + "/assets", StringComparison.Ordinal) ? "public, max-age=31536000, immutable" : "no-cache";

    /// <summary>
    /// Sends a file embedded compressed as its gzip bytes when the client accepts gzip; null (the request goes on) otherwise.
    /// </summary>
    private static Task? TrySendCompressedAsync(HttpContext context, EmbeddedUiFileProvider files)
    {
        var request = context.Request;
        if (!(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
            || !request.Path.StartsWithSegments(BasePath, out var rest) || !rest.HasValue
            || files.GetCompressed(rest.Value) is not { } compressed || !AcceptsGzip(request))
        {
            return null;
        }

        return SendCompressedAsync(context, compressed, s_contentTypes.TryGetContentType(rest.Value, out var type) ? type : "application/octet-stream",
            CacheControl(request.Path));
    }

    private static async Task SendCompressedAsync(HttpContext context, IFileInfo compressed, string contentType, string cacheControl)
    {
        var response = context.Response;
        response.ContentType = contentType;
        response.ContentLength = compressed.Length;
        response.Headers.ContentEncoding = "gzip";
        response.Headers.Vary = HeaderNames.AcceptEncoding;
        response.Headers.CacheControl = cacheControl;
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }

        await using var stream = compressed.CreateReadStream();
        await stream.CopyToAsync(response.Body, context.RequestAborted);
    }

    /// <summary>Whether Accept-Encoding names gzip (or <c>*</c>) with a quality above zero.</summary>
    private static bool AcceptsGzip(HttpRequest request)
    {
        var codings = request.GetTypedHeaders().AcceptEncoding;
        var named = codings.FirstOrDefault(c => StringSegment.Equals(c.Value, "gzip", StringComparison.OrdinalIgnoreCase))
            ?? codings.FirstOrDefault(c => c.Value == "*");
        return named is not null && named.Quality is not 0;
    }

    public static IEndpointRouteBuilder MapWebUi(this IEndpointRouteBuilder endpoints, EmbeddedUiFileProvider files)
    {
        endpoints.MapGet("/", () => TypedResults.Redirect(BasePath + "/")).AllowAnonymous().ExcludeFromDescription();
        endpoints.MapGet(BasePath + "/{**route}", (string? route, HttpContext context) => ServeIndexAsync(route, context, files))
            .AllowAnonymous().ExcludeFromDescription();
        return endpoints;
    }

    private static async Task ServeIndexAsync(string? route, HttpContext context, EmbeddedUiFileProvider files)
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

        if (AcceptsGzip(context.Request) && files.GetCompressed("index.html") is { } compressed)
        {
            await SendCompressedAsync(context, compressed, "text/html; charset=utf-8", "no-cache");
            return;
        }

        var index = files.GetFileInfo("index.html");
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers.Vary = HeaderNames.AcceptEncoding;
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
