using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MeshMind.Storage;

internal static class StorageServiceCollectionExtensions
{
    /// <summary>The SQLite database, migrated before any other service starts.</summary>
    public static IServiceCollection AddStorage(this IServiceCollection services)
    {
        services.TryAddSingleton<Database>();
        services.AddHostedService<DatabaseMigration>();
        return services;
    }
}
