using MeshMind.Bench;

// Benchmarks that print numbers. They only ever talk to 127.0.0.1.
//   startup EXE [--runs 5] [--idle-seconds 60]   time to first 200 on /healthz, and idle RSS
//   mesh [--hosts 5] [--idle-seconds 60]          mesh timings in a network-namespace lab (root)
return args switch
{
    ["startup", var executable, .. var rest] => await StartupBenchmark.RunAsync(executable, rest),
    ["mesh", .. var rest] => await MeshBenchmark.RunAsync(rest),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: MeshMind.Bench startup PATH/TO/meshmind[.dll] [--runs N] [--idle-seconds S]");
    Console.Error.WriteLine("       MeshMind.Bench mesh [--hosts N] [--idle-seconds S]   (root: builds a network-namespace lab)");
    return 2;
}
