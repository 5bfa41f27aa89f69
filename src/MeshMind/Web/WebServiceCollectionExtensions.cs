using System.Net;
using MeshMind.Infrastructure;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MeshMind.Web;

internal static class WebServiceCollectionExtensions
{
    /// <summary>The people-facing HTTP port (<see cref="HttpOptions"/>) and the JSON shape of every API error.</summary>
    public static IServiceCollection AddWeb(this IServiceCollection services)
    {
        services.AddHttpOptions();
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<HttpOptions>>(ConfigureKestrel);
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, InfrastructureJsonContext.Default));
        return services;
    }

    internal static IServiceCollection AddHttpOptions(this IServiceCollection services)
    {
        services.AddOptions<HttpOptions>().BindConfiguration(HttpOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HttpOptions>, HttpOptionsValidator>());
        return services;
    }

    private static void ConfigureKestrel(KestrelServerOptions kestrel, IOptions<HttpOptions> options)
    {
        var http = options.Value;
        kestrel.AddServerHeader = false;
        kestrel.Limits.MaxRequestBodySize = http.MaxRequestBodyBytes;
        kestrel.Listen(IPAddress.TryParse(http.BindAddress, out var address) ? address : IPAddress.Loopback, http.Port);
    }
}
