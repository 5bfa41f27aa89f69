using MeshMind.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MeshMind.Telemetry;

/// <summary>Ready when the node finished starting (database migrated, ports bound) and the database answers.</summary>
internal sealed class ReadinessCheck(IHostApplicationLifetime lifetime, Database database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!lifetime.ApplicationStarted.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("starting");
        }

        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("stopping");
        }

        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or IOException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy("database: " + ex.Message);
        }
    }
}
