using MeshMind.Infrastructure;
using MeshMind.Web;
using Microsoft.Extensions.Options;

namespace MeshMind.Auth;

/// <summary>
/// CSRF defence: a state-changing request that a browser could send with the session cookie (any cookie-authenticated
/// write, and login itself) must come from this node's own origin. SameSite=Lax alone is not enough: another port on the
/// same host is the same <em>site</em>.
/// </summary>
/// <remarks>
/// Browsers always send <c>Origin</c> on cross-origin POST/PUT/PATCH/DELETE (Fetch standard), so a request with neither
/// <c>Origin</c>, <c>Sec-Fetch-Site</c> nor <c>Referer</c> comes from a non-browser client, which cannot be a CSRF vector.
/// </remarks>
internal sealed class CrossOriginGuard(RequestDelegate next, IOptions<HttpOptions> http)
{
    private readonly HashSet<string> _allowed = new(http.Value.AllowedOrigins.Select(o => o.TrimEnd('/')), StringComparer.OrdinalIgnoreCase);

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method))
        {
            return next(context);
        }

        var cookieSession = context.User.FindFirst(MeshMindAuthentication.MethodClaim)?.Value == MeshMindAuthentication.CookieMethod;
        var login = request.Path.StartsWithSegments("/api/auth", StringComparison.OrdinalIgnoreCase);
        if ((cookieSession || login) && !IsSameOrigin(request))
        {
            return ApiResults.WriteErrorAsync(context, StatusCodes.Status403Forbidden, "cross-origin request refused");
        }

        return next(context);
    }

    private bool IsSameOrigin(HttpRequest request)
    {
        var own = $"{request.Scheme}://{request.Host.Value}";
        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0)
        {
            return string.Equals(origin, own, StringComparison.OrdinalIgnoreCase) || _allowed.Contains(origin);
        }

        var fetchSite = request.Headers["Sec-Fetch-Site"].ToString();
        if (fetchSite.Length > 0)
        {
            return fetchSite is "same-origin" or "none";
        }

        var referer = request.Headers.Referer.ToString();
        if (referer.Length > 0)
        {
            return Uri.TryCreate(referer, UriKind.Absolute, out var uri)
                && (string.Equals(uri.GetLeftPart(UriPartial.Authority), own, StringComparison.OrdinalIgnoreCase)
                    || _allowed.Contains(uri.GetLeftPart(UriPartial.Authority)));
        }

        return true;
    }
}
