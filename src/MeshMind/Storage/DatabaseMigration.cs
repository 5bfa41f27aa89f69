namespace MeshMind.Storage;

/// <summary>Runs the schema migrations in <see cref="StartingAsync"/>, which completes before any hosted service starts, the web server included.</summary>
internal sealed class DatabaseMigration(Database database) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => database.MigrateAsync(Migrations.All, cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
