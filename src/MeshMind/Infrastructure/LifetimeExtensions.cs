namespace MeshMind.Infrastructure;

internal static class LifetimeExtensions
{
    /// <summary>Completes once the host has started (the server listens, so bound ports are known).</summary>
    public static async Task WaitForStartAsync(this IHostApplicationLifetime lifetime, CancellationToken cancellationToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(cancellationToken);
        }
    }
}
