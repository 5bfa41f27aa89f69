using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MeshMind.Storage;

public static class StorageServiceCollectionExtensions
{
    public static IServiceCollection AddStorage(this IServiceCollection services)
    {
        services.TryAddSingleton<DataDirectory>();
        services.TryAddSingleton<Database>();
        return services;
    }
}
