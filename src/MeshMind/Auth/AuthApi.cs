using System.Globalization;
using System.Net;
using MeshMind.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace MeshMind.Auth;

/// <summary><c>/api/auth/*</c> (login, logout, status, password) and <c>/api/keys</c> (API keys for programs).</summary>
internal static class AuthApi
{
    public const int MaxCredentialLength = 256;
    private static readonly TimeSpan s_browserTokenLifetime = TimeSpan.FromDays(400);

    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder endpoints)
    {
        var auth = endpoints.MapGroup("/api/auth").AllowAnonymous();
        auth.MapPost("/login", LoginAsync)
            .AcceptsJson<LoginRequest>()
            .Produces<LoginResponse>()
            .ProducesErrors(400, 401, 413, 415, 429);
        auth.MapPost("/logout", LogoutAsync);
        auth.MapGet("/status", Status).Produces<AuthStatusResponse>();
        // Not in the anonymous group: only someone logged in changes the password, and only with the current one.
        endpoints.MapPost("/api/auth/password", ChangePasswordAsync)
            .AcceptsJson<ChangePasswordRequest>()
            .Produces(StatusCodes.Status204NoContent)
            .ProducesErrors(400, 409, 413, 415, 429);

        endpoints.MapGet("/api/me/preferences", GetPreferencesAsync).Produces<UserPreferencesBody>();
        endpoints.MapPut("/api/me/preferences", SetPreferencesAsync)
            .AcceptsJson<UserPreferencesBody>()
            .Produces<UserPreferencesBody>()
            .ProducesErrors(400, 413, 415);
        var keys = endpoints.MapGroup("/api/keys");
        keys.MapPost("/", CreateKeyAsync)
            .AcceptsJson<CreateApiKeyRequest>()
            .Produces<CreatedApiKeyResponse>(StatusCodes.Status201Created)
            .ProducesErrors(400, 413, 415);
        keys.MapGet("/", ListKeysAsync).Produces<ApiKeyResponse[]>();
        keys.MapDelete("/{id}", DeleteKeyAsync).Produces(StatusCodes.Status204NoContent).ProducesErrors(404);
        return endpoints;
    }

    private static async Task<IResult> LoginAsync(
        HttpContext context, UserStore users, SessionTokens sessions, LoginThrottle throttle, AuthMetrics metrics, CancellationToken cancellationToken)
    {
        var client = context.Connection.RemoteIpAddress ?? IPAddress.None;
        var browser = sessions.ReadBrowserToken(context.Request.Cookies[sessions.BrowserCookieName]);
        if (throttle.RetryAfter(client, browser) is { } wait)
        {
            return TooManyAttempts(context, wait);
        }

        var (request, error) = await JsonBody.ReadAsync(context.Request, AuthJsonContext.Default.LoginRequest);
        if (error is not null)
        {
            return error;
        }

        if (string.IsNullOrEmpty(request!.Username) || string.IsNullOrEmpty(request.Password)
            || request.Username.Length > MaxCredentialLength || request.Password.Length > MaxCredentialLength)
        {
            return ApiResults.Error(StatusCodes.Status400BadRequest, "send {\"username\": \"…\", \"password\": \"…\"}");
        }

        if (!await users.VerifyAsync(request.Username, request.Password, cancellationToken))
        {
            throttle.RecordFailure(client, browser);
            metrics.Login(succeeded: false);
            return throttle.RetryAfter(client, browser) is { } delay
                ? TooManyAttempts(context, delay)
                : ApiResults.Error(StatusCodes.Status401Unauthorized, "wrong username or password");
        }

        throttle.RecordSuccess(client, browser);
        // The browser is known from now on: others' failed logins never slow it down (LoginThrottle).
        context.Response.Cookies.Append(sessions.BrowserCookieName, browser is null ? sessions.IssueBrowserToken() : context.Request.Cookies[sessions.BrowserCookieName]!,
            new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                Secure = context.Request.IsHttps,
                Path = "/api/auth",
                MaxAge = s_browserTokenLifetime,
                IsEssential = true,
            });
        metrics.Login(succeeded: true);
        var session = sessions.Issue(users.Username);
        context.Response.Cookies.Append(sessions.CookieName, session.Token, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = context.Request.IsHttps,
            Path = "/",
            // Max-Age, not Expires: the browser counts the lifetime on its own clock, so a node whose clock is ahead of or
            // behind the browser's still gives a cookie that lasts the session's lifetime (the token's own expiry is checked here).
            MaxAge = sessions.Lifetime,
            IsEssential = true,
        });
        return TypedResults.Json(new LoginResponse(session.Username, session.Expires), AuthJsonContext.Default.LoginResponse);
    }

    /// <summary>
    /// Changes the stored password, given the current one, and ends every session, this one included (as <c>meshmind password</c>
    /// does): whoever held a session with the old password is out. Wrong current passwords count as failed logins.
    /// </summary>
    private static async Task<IResult> ChangePasswordAsync(
        HttpContext context, UserStore users, SessionTokens sessions, LoginThrottle throttle, IOptions<AuthOptions> options, CancellationToken cancellationToken)
    {
        var client = context.Connection.RemoteIpAddress ?? IPAddress.None;
        var browser = sessions.ReadBrowserToken(context.Request.Cookies[sessions.BrowserCookieName]);
        if (throttle.RetryAfter(client, browser) is { } wait)
        {
            return TooManyAttempts(context, wait);
        }

        var (request, error) = await JsonBody.ReadAsync(context.Request, AuthJsonContext.Default.ChangePasswordRequest);
        if (error is not null)
        {
            return error;
        }

        if (!string.IsNullOrEmpty(options.Value.Password))
        {
            return ApiResults.Error(StatusCodes.Status409Conflict,
                "this node's password is set by NODE_PASSWORD, auth_secret.txt or Auth:Password; change it there and restart the node");
        }

        if (string.IsNullOrEmpty(request!.CurrentPassword) || request.CurrentPassword.Length > MaxCredentialLength)
        {
            return ApiResults.Error(StatusCodes.Status400BadRequest, "give the current password as current_password");
        }

        if (request.NewPassword is not { Length: >= AuthOptionsValidator.MinimumPasswordLength and <= MaxCredentialLength } newPassword
            || string.IsNullOrWhiteSpace(newPassword))
        {
            return ApiResults.Error(StatusCodes.Status400BadRequest,
                $"the new password needs {AuthOptionsValidator.MinimumPasswordLength} to {MaxCredentialLength} characters");
        }

        if (!await users.VerifyAsync(users.Username, request.CurrentPassword, cancellationToken))
        {
            throttle.RecordFailure(client, browser);
            return throttle.RetryAfter(client, browser) is { } delay
                ? TooManyAttempts(context, delay)
                : ApiResults.Error(StatusCodes.Status400BadRequest, "the current password is not right");
        }

        await users.SetPasswordAsync(newPassword, cancellationToken);
        sessions.RereadSessionsSince();
        context.Response.Cookies.Delete(sessions.CookieName, new CookieOptions { Path = "/", HttpOnly = true, SameSite = SameSiteMode.Lax });
        return TypedResults.NoContent();
    }

    private static async Task<JsonHttpResult<UserPreferencesBody>> GetPreferencesAsync(
        HttpContext context, UserPreferences preferences, CancellationToken cancellationToken) =>
        TypedResults.Json(new UserPreferencesBody(await preferences.DefaultModelAsync(UserOf(context), cancellationToken)),
            AuthJsonContext.Default.UserPreferencesBody);

    /// <summary>Saves the signed-in user's preferences; <c>default_model</c> null or empty clears it.</summary>
    private static async Task<IResult> SetPreferencesAsync(HttpContext context, UserPreferences preferences, CancellationToken cancellationToken)
    {
        var (request, error) = await JsonBody.ReadAsync(context.Request, AuthJsonContext.Default.UserPreferencesBody, maxBytes: 4096);
        if (error is not null)
        {
            return error;
        }

        if (!UserPreferences.TryNormalise(request!.DefaultModel, out var model))
        {
            return ApiResults.Error(StatusCodes.Status400BadRequest,
                $"default_model: a model name has at most {UserPreferences.MaxModelLength} characters and no spaces (null or empty: none)");
        }

        var user = UserOf(context);
        await preferences.SetDefaultModelAsync(user, model, cancellationToken);
        return TypedResults.Json(new UserPreferencesBody(model), AuthJsonContext.Default.UserPreferencesBody);
    }

    /// <summary>The name the request authenticated as: the login for a session, <c>apikey:NAME</c> for an API key.</summary>
    private static string UserOf(HttpContext context) =>
        context.User.Identity?.Name ?? throw new InvalidOperationException("an authenticated endpoint ran without a user");

    private static async Task<NoContent> LogoutAsync(HttpContext context, SessionTokens sessions, CancellationToken cancellationToken)
    {
        if (context.Features.Get<SessionToken>() is { } session)
        {
            await sessions.RevokeAsync(session, cancellationToken);
        }

        context.Response.Cookies.Delete(sessions.CookieName, new CookieOptions { Path = "/", HttpOnly = true, SameSite = SameSiteMode.Lax });
        return TypedResults.NoContent();
    }

    private static JsonHttpResult<AuthStatusResponse> Status(HttpContext context)
    {
        var user = context.User;
        var authenticated = user.Identity?.IsAuthenticated == true;
        return TypedResults.Json(
            new AuthStatusResponse(authenticated, authenticated ? user.Identity!.Name : null,
                authenticated ? user.FindFirst(MeshMindAuthentication.MethodClaim)?.Value : null),
            AuthJsonContext.Default.AuthStatusResponse);
    }

    private static async Task<IResult> CreateKeyAsync(HttpContext context, ApiKeyStore keys, CancellationToken cancellationToken)
    {
        var (request, error) = await JsonBody.ReadAsync(context.Request, AuthJsonContext.Default.CreateApiKeyRequest);
        if (error is not null)
        {
            return error;
        }

        var name = request!.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > ApiKeyStore.MaxNameLength || name.Any(char.IsControl))
        {
            return ApiResults.Error(StatusCodes.Status400BadRequest, $"give the key a name of 1-{ApiKeyStore.MaxNameLength} printable characters");
        }

        var (key, secret) = await keys.CreateAsync(name, cancellationToken);
        return TypedResults.Json(new CreatedApiKeyResponse(key.Id, key.Name, key.Prefix, key.CreatedAt, secret),
            AuthJsonContext.Default.CreatedApiKeyResponse, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<JsonHttpResult<ApiKeyResponse[]>> ListKeysAsync(ApiKeyStore keys, CancellationToken cancellationToken)
    {
        var list = await keys.ListAsync(cancellationToken);
        return TypedResults.Json(list.Select(ApiKeyResponse.From).ToArray(), AuthJsonContext.Default.ApiKeyResponseArray);
    }

    private static async Task<IResult> DeleteKeyAsync(string id, ApiKeyStore keys, CancellationToken cancellationToken) =>
        await keys.DeleteAsync(id, cancellationToken)
            ? TypedResults.NoContent()
            : ApiResults.Error(StatusCodes.Status404NotFound, $"no API key with id '{id}'");

    private static JsonHttpResult<ErrorResponse> TooManyAttempts(HttpContext context, TimeSpan wait)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return ApiResults.Error(StatusCodes.Status429TooManyRequests, $"too many failed logins; try again in {seconds} s (a browser that logged in here before is not held up)");
    }
}
