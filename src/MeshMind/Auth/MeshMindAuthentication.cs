using System.Security.Claims;
using System.Text.Encodings.Web;
using MeshMind.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace MeshMind.Auth;

/// <summary>
/// Authenticates people by session cookie and programs by <c>Authorization: Bearer</c> API key. Nothing else
/// authenticates on the HTTP port: in particular the seed's <c>x-peer-llm: 1</c> header grants nothing (peers use 7878).
/// </summary>
internal sealed class MeshMindAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    SessionTokens sessions, ApiKeyStore keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "MeshMind";
    public const string MethodClaim = "meshmind:auth_method";
    public const string CookieMethod = "cookie";
    public const string ApiKeyMethod = "api_key";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var authorization = Request.Headers.Authorization.ToString();
        if (authorization.Length > 0)
        {
            if (!authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                return AuthenticateResult.Fail("Only Bearer API keys are accepted in the Authorization header.");
            }

            var key = await keys.FindAsync(authorization["Bearer ".Length..].Trim(), Context.RequestAborted);
            return key is null
                ? AuthenticateResult.Fail("Unknown API key.")
                : Success("apikey:" + key.Name, ApiKeyMethod);
        }

        if (Request.Cookies.TryGetValue(sessions.CookieName, out var cookie))
        {
            var session = await sessions.ValidateAsync(cookie, Context.RequestAborted);
            if (session is null)
            {
                return AuthenticateResult.Fail("Session expired or invalid.");
            }

            Context.Features.Set(session);
            return Success(session.Username, CookieMethod);
        }

        return AuthenticateResult.NoResult();
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        ApiResults.WriteErrorAsync(Context, StatusCodes.Status401Unauthorized,
            "authentication required: log in, or send an API key as Authorization: Bearer KEY");

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ApiResults.WriteErrorAsync(Context, StatusCodes.Status403Forbidden, "not allowed");

    private static AuthenticateResult Success(string name, string method)
    {
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, name), new Claim(MethodClaim, method)], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}
