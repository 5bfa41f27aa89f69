namespace MeshMind.Llm.Models;

/// <summary>
/// Holds a copy to <see cref="LlmOptions.ModelCopyBytesPerSecond"/> across every source it reads from at once (0: no limit):
/// whoever gets ahead of the rate waits until the clock catches up.
/// </summary>
internal sealed class CopyPace(long bytesPerSecond, TimeProvider time)
{
    private readonly long _started = time.GetTimestamp();
    private long _received;

    public async Task ReceivedAsync(long bytes, CancellationToken cancellationToken)
    {
        var received = Interlocked.Add(ref _received, bytes);
        if (bytesPerSecond > 0 && TimeSpan.FromSeconds((double)received / bytesPerSecond) - time.GetElapsedTime(_started) is { Ticks: > 0 } ahead)
        {
            await Task.Delay(ahead, time, cancellationToken);
        }
    }
}
