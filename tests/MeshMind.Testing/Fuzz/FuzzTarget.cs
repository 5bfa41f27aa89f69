using CsCheck;

namespace MeshMind.Testing.Fuzz;

/// <summary>
/// One parser under fuzzing: a generator of inputs, the call, and its allocation bound. <see cref="Run"/> returns normally for
/// every documented result (a value, null, a refusal) and throws only for a documented exception when
/// <see cref="IsDocumented"/> says so; anything else is a crash.
/// </summary>
/// <param name="Name">The name in the table (e.g. <c>discovery datagram</c>).</param>
/// <param name="Inputs">Property-based inputs (CsCheck), shrunk to a small example when one fails.</param>
/// <param name="Run">Calls the parser with one input.</param>
/// <param name="Size">The input's size in bytes, for the allocation bound.</param>
/// <param name="FixedBytes">Allocation allowed per input regardless of its size.</param>
/// <param name="BytesPerInputByte">Allocation allowed per byte of input on top of <paramref name="FixedBytes"/>.</param>
/// <param name="IsDocumented">Which exceptions the parser documents (a 400 for the caller); none by default.</param>
public sealed record FuzzTarget<T>(
    string Name,
    Gen<T> Inputs,
    Action<T> Run,
    Func<T, int> Size,
    long FixedBytes,
    long BytesPerInputByte,
    Func<Exception, bool>? IsDocumented = null) : IFuzzTarget
{
    /// <summary>Bytes this thread allocated while <see cref="Run"/> parsed <paramref name="input"/>, and whether it threw a documented exception.</summary>
    public (long Allocated, bool Documented) Measure(T input)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var documented = false;
        try
        {
            Run(input);
        }
        catch (Exception ex) when (IsDocumented?.Invoke(ex) == true)
        {
            documented = true;
        }

        return (GC.GetAllocatedBytesForCurrentThread() - before, documented);
    }

    public FuzzResult Fuzz(long inputs, string? seed = null)
    {
        long count = 0;
        long documented = 0;
        long maxAllocated = 0;
        double maxPerByte = 0;
        string? crash = null;
        try
        {
            // Warm up outside the measurement: first calls load tables (NFC's are about 15 MB) and build JSON contracts.
            Inputs.Sample(input =>
            {
                try
                {
                    Run(input);
                }
                catch (Exception ex) when (IsDocumented?.Invoke(ex) == true)
                {
                }
            }, seed: seed, iter: Math.Min(inputs, 500), threads: 1);
        }
        catch (Exception ex)
        {
            crash = ex.InnerException is { } inner ? $"{ex.Message}\n{inner.GetType().Name}: {inner.Message}" : ex.Message;
            return new FuzzResult(Name, 0, 1, 0, 0, 0, 0, crash);
        }

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            Inputs.Sample(input =>
            {
                var size = Size(input);
                var bound = FixedBytes + (BytesPerInputByte * size);
                var (allocated, isDocumented) = Measure(input);
                if (allocated > bound)
                {
                    // The count is the thread's, so it also holds what the process did once on this thread while the input
                    // ran: a pool refilled after a full GC trimmed it, a cache or metric point made at a first occurrence.
                    // What an input costs every time it is sent comes back when it is parsed again; that is the bound.
                    var first = allocated;
                    (allocated, _) = Measure(input);
                    if (allocated > bound)
                    {
                        throw new InvalidOperationException(
                            $"{allocated} bytes allocated for a {size}-byte input (parsed twice; {first} the first time), over the bound of {FixedBytes} + {BytesPerInputByte} per byte");
                    }
                }

                documented += isDocumented ? 1 : 0;
                count++;
                maxAllocated = Math.Max(maxAllocated, allocated);
                maxPerByte = Math.Max(maxPerByte, (double)allocated / Math.Max(1, size));
            }, seed: seed, iter: inputs, threads: 1);
        }
        catch (Exception ex)
        {
            // CsCheck's report: the smallest failing input it found by shrinking, its seed and the exception.
            crash = ex.InnerException is { } inner ? $"{ex.Message}\n{inner.GetType().Name}: {inner.Message}" : ex.Message;
        }

        var seconds = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
        return new FuzzResult(Name, count, crash is null ? 0 : 1, documented, maxAllocated, maxPerByte, count / Math.Max(seconds, 1e-9), crash);
    }
}

/// <summary>A fuzz target of any input type.</summary>
public interface IFuzzTarget
{
    string Name { get; }

    /// <summary>Runs <paramref name="inputs"/> generated inputs (fewer if one crashes: CsCheck stops and shrinks it).</summary>
    FuzzResult Fuzz(long inputs, string? seed = null);
}

/// <summary>What one target's run found. <see cref="Crash"/> is CsCheck's report of the (shrunk) failing input.</summary>
public sealed record FuzzResult(string Target, long Inputs, int Crashes, long DocumentedExceptions, long MaxAllocatedBytes,
    double MaxAllocatedPerInputByte, double InputsPerSecond, string? Crash);
