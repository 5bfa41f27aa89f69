using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MeshMind.Auth;

internal static class AuthServiceCollectionExtensions
{
    /// <summary>
    /// Session cookies and API keys; every endpoint requires one of them unless it opts out with <c>AllowAnonymous</c>.
    /// </summary>
    public static IServiceCollection AddMeshMindAuth(this IServiceCollection services)
    {
        services.AddAuthOptions();
        services.AddHostedService<AuthStartup>();
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Add(AuthJsonContext.Default));
        services.TryAddSingleton<UserStore>();
        services.TryAddSingleton<UserPreferences>();
        services.TryAddSingleton<AuthMetrics>();
        services.TryAddSingleton<SessionTokens>();
        services.TryAddSingleton<ApiKeyStore>();
        services.TryAddSingleton<LoginThrottle>();
        // AddAuthenticationCore, not AddAuthentication: the latter also brings ASP.NET Data Protection, whose hosted
        // service reads and writes XML key files at every start. MeshMind signs its own sessions (SessionTokens).
        services.AddAuthenticationCore(options =>
        {
            options.AddScheme<MeshMindAuthentication>(MeshMindAuthentication.SchemeName, displayName: null);
            options.DefaultScheme = MeshMindAuthentication.SchemeName;
        });
        services.AddWebEncoders();
        services.TryAddTransient<MeshMindAuthentication>();
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(MeshMindAuthentication.SchemeName).RequireAuthenticatedUser().Build());
        return services;
    }

    internal static IServiceCollection AddAuthOptions(this IServiceCollection services)
    {
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>());
        return services;
    }
}
