using System.Diagnostics;
using System.Globalization;

namespace MeshMind.Bench.Llm;

/// <summary>
/// CPU time (user + system) of the processes taking part: this one (client and fixture) and the nodes; all threads, or only
/// the runtime's tiered-compilation thread (background JIT). Linux accounts it in 10 ms ticks, so it is read over whole runs.
/// </summary>
internal sealed class CpuMeter(IReadOnlyList<(string Name, int ProcessId)> processes)
{
    /// <summary>The name (<c>/proc/PID/task/TID/comm</c>) of the thread that recompiles hot methods at tier 1.</summary>
    private const string JitThread = ".NET Tiered Com";

    /// <summary>USER_HZ: the unit of <c>utime</c> and <c>stime</c> in <c>/proc</c>, 100 per second on Linux.</summary>
    private const double TicksPerSecond = 100;

    private readonly Process[] _processes = [.. processes.Select(p => Process.GetProcessById(p.ProcessId))];

    public IReadOnlyList<string> Names { get; } = [.. processes.Select(p => p.Name)];

    public TimeSpan[] Read()
    {
        var times = new TimeSpan[_processes.Length];
        for (var i = 0; i < times.Length; i++)
        {
            _processes[i].Refresh();
            times[i] = _processes[i].TotalProcessorTime;
        }

        return times;
    }

    /// <summary>CPU time of each process's background JIT thread so far, per thread.</summary>
    /// <remarks>
    /// The runtime ends that thread when it has had nothing to do for a while and starts a new one later, so a reading keeps
    /// each thread's own time: a thread gone by the next reading drops out instead of making the difference negative.
    /// </remarks>
    public JitReading ReadJit() => new([.. _processes.Select(p => JitTimes(p.Id))]);

    /// <summary>Adds the CPU time spent since <paramref name="before"/> to <paramref name="sums"/>.</summary>
    public void AddSince(TimeSpan[] before, TimeSpan[] sums) => Add(Read(), before, sums);

    public void AddJitSince(JitReading before, TimeSpan[] sums)
    {
        var since = ReadJit().Since(before);
        for (var i = 0; i < sums.Length; i++)
        {
            sums[i] += since[i];
        }
    }

    /// <summary>E.g. <c>bench 0.12 + H 0.31 + T 0.00</c>, each sum divided by <paramref name="per"/>, in <paramref name="unit"/>.</summary>
    public string Describe(TimeSpan[] sums, double per, Func<TimeSpan, double> unit) =>
        string.Join(" + ", Names.Select((name, i) => $"{name} {unit(sums[i]) / per:F3}"));

    private static void Add(TimeSpan[] now, TimeSpan[] before, TimeSpan[] sums)
    {
        for (var i = 0; i < sums.Length; i++)
        {
            sums[i] += now[i] - before[i];
        }
    }

    private static Dictionary<int, TimeSpan> JitTimes(int processId)
    {
        var times = new Dictionary<int, TimeSpan>();
        foreach (var task in Directory.EnumerateDirectories($"/proc/{processId}/task"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n') != JitThread)
                {
                    continue;
                }

                // Fields after the parenthesised name: state is the 3rd field of the line, utime the 14th, stime the 15th.
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                times[int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture)] = TimeSpan.FromSeconds(ticks / TicksPerSecond);
            }
            catch (IOException)
            {
                // The thread ended meanwhile.
            }
        }

        return times;
    }
}

/// <summary>Each process's background JIT threads and their CPU time so far (<see cref="CpuMeter.ReadJit"/>).</summary>
internal sealed class JitReading(Dictionary<int, TimeSpan>[] threads)
{
    private readonly Dictionary<int, TimeSpan>[] _threads = threads;

    /// <summary>Per process, the JIT CPU time spent since <paramref name="before"/> by the threads alive now.</summary>
    public TimeSpan[] Since(JitReading before) =>
        [.. _threads.Select((now, i) => TimeSpan.FromTicks(now.Sum(t => (t.Value - before._threads[i].GetValueOrDefault(t.Key)).Ticks)))];
}
