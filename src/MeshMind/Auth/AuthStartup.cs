using MeshMind.Infrastructure;

namespace MeshMind.Auth;

/// <summary>At start, after the migrations: loads logged-out sessions, and generates a login (shown once) if none is configured.</summary>
internal sealed class AuthStartup(SessionTokens sessions, UserStore users, NodeConsole console) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        await sessions.LoadRevokedAsync(cancellationToken);
        if (await users.EnsureLoginAsync(cancellationToken) is { } password)
        {
            console.WriteLine($"meshmind: generated a login for user '{users.Username}' with password: {password}");
            console.WriteLine("meshmind: this password is shown only once; set NODE_PASSWORD or auth_secret.txt to choose your own.");
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
