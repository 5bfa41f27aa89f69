using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace MeshMind.Testing.Load;

/// <summary>
/// Holds many TCP connections to one port that do nothing after their <see cref="IdleProfile"/>'s first bytes, and notices
/// each one the server closes (end of stream or reset). With re-opening on, a closed connection is replaced by a new one of
/// the same profile, so the count held stays up; every closure is kept with how long the connection lived.
/// </summary>
public sealed class IdleConnections : IAsyncDisposable
{
    /// <summary>Connections being opened at once (a burst of thousands of SYNs would only overflow the listen backlog).</summary>
    private const int OpeningAtOnce = 64;

    /// <summary>A connection closed sooner than this after opening is re-opened only after <see cref="s_backoff"/> (a refusing server).</summary>
    private static readonly TimeSpan s_quickClose = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan s_backoff = TimeSpan.FromMilliseconds(200);

    private readonly IPEndPoint _target;
    private readonly Func<int, IPAddress?>? _localAddress;
    private readonly bool _reopen;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _opening = new(OpeningAtOnce);
    private readonly ConcurrentQueue<IdleClosure> _closures = new();
    private readonly ConcurrentQueue<string> _openFailures = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<Task> _slots = [];
    private int _held;
    private int _opened;

    private IdleConnections(IPEndPoint target, Func<int, IPAddress?>? localAddress, bool reopen)
    {
        _target = target;
        _localAddress = localAddress;
        _reopen = reopen;
    }

    /// <summary>Connections open now.</summary>
    public int Held => Volatile.Read(ref _held);

    /// <summary>Connections opened so far, the first ones and re-opened ones.</summary>
    public int Opened => Volatile.Read(ref _opened);

    /// <summary>Connections the server closed, in the order noticed.</summary>
    public IReadOnlyList<IdleClosure> Closures => [.. _closures];

    /// <summary>Attempts to open that failed (refused, reset before the first answer), with the reason.</summary>
    public IReadOnlyList<string> OpenFailures => [.. _openFailures];

    /// <summary>Time since these connections started opening.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>
    /// Opens <paramref name="count"/> connections to <paramref name="target"/>, connection <c>i</c> with profile
    /// <c>profiles[i % profiles.Count]</c> and bound to <paramref name="localAddress"/>(<c>i</c>) when given (e.g. several
    /// loopback addresses, to stay under a per-address cap); returns once every first attempt has opened or failed.
    /// </summary>
    public static async Task<IdleConnections> OpenAsync(IPEndPoint target, int count, IReadOnlyList<IdleProfile> profiles, bool reopen,
        CancellationToken cancellationToken, Func<int, IPAddress?>? localAddress = null)
    {
        var connections = new IdleConnections(target, localAddress, reopen);
        var firstAttempts = new Task[count];
        for (var i = 0; i < count; i++)
        {
            var attempted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            firstAttempts[i] = attempted.Task;
            connections._slots.Add(connections.HoldAsync(i, profiles[i % profiles.Count], attempted));
        }

        await Task.WhenAll(firstAttempts).WaitAsync(cancellationToken);
        return connections;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_slots);
        _stop.Dispose();
        _opening.Dispose();
    }

    /// <summary>One slot: open, hold until the server closes, and again while re-opening is on.</summary>
    private async Task HoldAsync(int index, IdleProfile profile, TaskCompletionSource firstAttempt)
    {
        var cancellationToken = _stop.Token;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                using var socket = await TryOpenAsync(index, profile, cancellationToken);
                firstAttempt.TrySetResult();
                if (socket is null)
                {
                    if (!_reopen)
                    {
                        return;
                    }

                    await Task.Delay(s_backoff, cancellationToken);
                    continue;
                }

                var opened = _clock.Elapsed;
                Interlocked.Increment(ref _opened);
                Interlocked.Increment(ref _held);
                try
                {
                    await UntilClosedAsync(socket, cancellationToken);
                }
                finally
                {
                    Interlocked.Decrement(ref _held);
                }

                var heldFor = _clock.Elapsed - opened;
                _closures.Enqueue(new IdleClosure(profile.Name, heldFor, _clock.Elapsed));
                if (!_reopen)
                {
                    return;
                }

                if (heldFor < s_quickClose)
                {
                    await Task.Delay(s_backoff, cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Disposed: every connection is closed by us.
        }
        finally
        {
            firstAttempt.TrySetResult();
        }
    }

    /// <summary>A connected socket that has sent the profile's bytes (and read their answer), or null when that failed.</summary>
    private async Task<Socket?> TryOpenAsync(int index, IdleProfile profile, CancellationToken cancellationToken)
    {
        var socket = new Socket(_target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await _opening.WaitAsync(cancellationToken);
        try
        {
            if (_localAddress?.Invoke(index) is { } local)
            {
                socket.Bind(new IPEndPoint(local, 0));
            }

            await socket.ConnectAsync(_target, cancellationToken);
            if (profile.Send.Length > 0)
            {
                await socket.SendAsync(profile.Send, SocketFlags.None, cancellationToken);
            }

            if (profile.AwaitsAnswer && await socket.ReceiveAsync(new byte[4096], SocketFlags.None, cancellationToken) == 0)
            {
                throw new SocketException((int)SocketError.ConnectionReset);
            }

            return socket;
        }
        catch (SocketException ex)
        {
            _openFailures.Enqueue(ex.SocketErrorCode.ToString());
            socket.Dispose();
            return null;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        finally
        {
            _opening.Release();
        }
    }

    /// <summary>Reads (and drops) whatever comes until the server ends the stream or resets the connection.</summary>
    private static async Task UntilClosedAsync(Socket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[512];
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken) > 0)
            {
                // An answer's tail, or a 408 before the close: keep reading.
            }
        }
        catch (SocketException)
        {
            // Reset by the server: closed as well.
        }
    }
}
