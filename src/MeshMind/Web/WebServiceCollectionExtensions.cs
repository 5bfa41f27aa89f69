using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using MeshMind.Infrastructure;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MeshMind.Web;

internal static class WebServiceCollectionExtensions
{
    /// <summary>
    /// The people-facing HTTP port (<see cref="HttpOptions"/>), the JSON contracts of its API (every feature adds its
    /// source-generated context in its <c>AddX</c>; this adds the shape of every API error). The OpenAPI document's services are
    /// not here: only <c>meshmind openapi</c> generates it (<see cref="ApiDocument"/>), so a running node never loads them.
    /// </summary>
    public static IServiceCollection AddWeb(this IServiceCollection services)
    {
        services.AddHttpOptions();
        services.TryAddSingleton<HostAllowlist>();
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<HttpOptions>>(ConfigureKestrel);
        // Kestrel's accept queue holds 512 connections; a burst of 1,000 people opening a chat at once overflowed it, and
        // the kernel drops a SYN it has no room for, which the client sends again only a second later (issue 14, load).
        // Linux caps the backlog asked for at net.core.somaxconn (4,096 by default), as for Go's servers (Ollama).
        // The transport's option, so the mesh port gets it too.
        services.Configure<SocketTransportOptions>(sockets => sockets.Backlog = ushort.MaxValue);
        services.ConfigureHttpJsonOptions(json => UseSourceGeneratedContracts(json.SerializerOptions));
        return services;
    }

    /// <summary>Refuses requests whose <c>Host</c> does not name this node (<see cref="HostFilter"/>); call it after the mesh port's branch.</summary>
    public static IApplicationBuilder UseAllowedHosts(this IApplicationBuilder app) => app.UseMiddleware<HostFilter>();

    internal static IServiceCollection AddHttpOptions(this IServiceCollection services)
    {
        services.AddOptions<HttpOptions>().BindConfiguration(HttpOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HttpOptions>, HttpOptionsValidator>());
        return services;
    }

    /// <summary>
    /// Resolves the API's types from the features' source-generated contexts only, named as the node writes them: the API document
    /// reads its schemas from these options.
    /// </summary>
    private static void UseSourceGeneratedContracts(JsonSerializerOptions options)
    {
        // Without the reflection resolver ASP.NET Core puts first, a type no feature's context declares fails the API document
        // instead of being described, silently, by reflection.
        options.TypeInfoResolverChain.Clear();
        options.TypeInfoResolverChain.Add(InfrastructureJsonContext.Default);

        // A context in a resolver chain follows these options, not its own [JsonSourceGenerationOptions]: they say what every
        // context says (snake_case names; numbers only as numbers, which the web defaults would also accept as strings).
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.NumberHandling = JsonNumberHandling.Strict;
    }

    private static void ConfigureKestrel(KestrelServerOptions kestrel, IOptions<HttpOptions> options)
    {
        var http = options.Value;
        kestrel.AddServerHeader = false;
        kestrel.Limits.MaxRequestBodySize = http.MaxRequestBodyBytes;
        kestrel.Listen(IPAddress.TryParse(http.BindAddress, out var address) ? address : IPAddress.Loopback, http.Port);
    }
}
