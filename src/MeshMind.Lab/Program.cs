using System.Runtime.InteropServices;
using MeshMind.Lab;

// Ctrl+C and SIGTERM stop the lab (every node) or the evaluation (with its partial report). Registered here, not left to
// System.CommandLine: the simulated hosts are ASP.NET Core apps in this process, whose console lifetime takes these signals too.
using var stop = new CancellationTokenSource();
void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stop.Cancel();
}

using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
var configuration = new System.CommandLine.InvocationConfiguration { ProcessTerminationTimeout = null };
return await LabCommandLine.Create().Parse(args).InvokeAsync(configuration, stop.Token);
