using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MeshMind.Auth;

public static class AuthServiceCollectionExtensions
{
    /// <summary>
    /// Session cookies and API keys; every endpoint requires one of them unless it opts out with <c>AllowAnonymous</c>.
    /// </summary>
    public static IServiceCollection AddMeshMindAuth(this IServiceCollection services)
    {
        services.TryAddSingleton<UserStore>();
        services.TryAddSingleton<SessionTokens>();
        services.TryAddSingleton<ApiKeyStore>();
        services.TryAddSingleton<LoginRateLimiter>();
        // Authentication pulls in ASP.NET Data Protection, which MeshMind does not use: keep it from writing keys to disk.
        services.AddDataProtection().UseEphemeralDataProtectionProvider();
        services.AddAuthentication(MeshMindAuthentication.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, MeshMindAuthentication>(MeshMindAuthentication.SchemeName, null);
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(MeshMindAuthentication.SchemeName).RequireAuthenticatedUser().Build());
        return services;
    }
}
