using System.Diagnostics;
using System.Runtime.Versioning;

namespace MeshMind.Hosting.Service;

/// <summary>Windows: a Windows Service (<see cref="WindowsServiceCommands"/>), run by its own virtual account.</summary>
[SupportedOSPlatform("windows")]
internal sealed class WindowsServiceManager(CommandRunner runner, NodeLaunch launch) : ServiceManager(runner, launch)
{
    public override ServiceLayout Layout(string name) =>
        ServiceLayout.Windows(name, Environment.GetFolderPath(Environment.SpecialFolder.CommonApplicationData));

    public override async Task<int> InstallAsync(ServiceSpec spec, CancellationToken cancellationToken)
    {
        if (!Runner.DryRun && !Environment.IsPrivilegedProcess)
        {
            return await FailAsync("installing a Windows Service needs an administrator: run `meshmind service install` in a terminal opened with \"Run as administrator\"");
        }

        if (!Runner.DryRun)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(spec.LogFile)!);
            RegisterEventSource();
        }

        await CopySeedFilesAsync(spec.DataDirectory);
        foreach (var command in WindowsServiceCommands.Install(spec))
        {
            if (!await MustAsync(command, cancellationToken))
            {
                return 2;
            }
        }

        var option = ServiceCommand.NameOption(spec.Name);
        await SayAsync($"{(Runner.DryRun ? "would install" : "installed and started")} the Windows Service '{spec.Name}', running as {WindowsServiceCommands.Account(spec.Name)}: "
            + $"data in {spec.DataDirectory}, log in {spec.LogFile} and the Event Log (Application, source 'meshmind'); it starts at boot and restarts after a failure.");
        await SayAsync($"status: meshmind service status{option}; logs: meshmind service logs{option}; "
            + $"a Windows Service shows no console, so set the login password (as administrator): {string.Join(' ', spec.Program.Select(ExternalCommand.QuoteWindows))} password --data-dir {ExternalCommand.QuoteWindows(spec.DataDirectory)}");
        return 0;
    }

    public override async Task<int> UninstallAsync(string name, bool purge, CancellationToken cancellationToken)
    {
        if (!Runner.DryRun && !Environment.IsPrivilegedProcess)
        {
            return await FailAsync("removing a Windows Service needs an administrator: run `meshmind service uninstall` as administrator");
        }

        // sc.exe stop fails when the service is already stopped; delete still runs.
        var commands = WindowsServiceCommands.Uninstall(name);
        await Runner.RunAsync(commands[0], cancellationToken);
        if (!await MustAsync(commands[1], cancellationToken))
        {
            return 2;
        }

        var data = Layout(name).DataDirectory;
        if (purge)
        {
            await Runner.RunAsync(new ExternalCommand("cmd.exe", "/c", "rmdir", "/s", "/q", data), cancellationToken);
            await SayAsync($"removed the Windows Service '{name}' and {data}.");
        }
        else
        {
            await SayAsync($"removed the Windows Service '{name}'; its data stays in {data} (`meshmind service uninstall --purge` removes it).");
        }

        return 0;
    }

    public override Task<int> StatusAsync(string name, CancellationToken cancellationToken) =>
        Runner.RunAttachedAsync(WindowsServiceCommands.Status(name), cancellationToken);

    public override Task<int> LogsAsync(string name, int lines, bool follow, CancellationToken cancellationToken) =>
        TailAsync(Layout(name).LogFile, lines, follow, cancellationToken);

    /// <summary>
    /// The node logs to the Event Log under its application name; registering that source needs an administrator, which the
    /// service's own account is not, so the installer does it.
    /// </summary>
    private static void RegisterEventSource()
    {
        if (OperatingSystem.IsWindows() && !EventLog.SourceExists("meshmind"))
        {
            EventLog.CreateEventSource("meshmind", "Application");
        }
    }
}
