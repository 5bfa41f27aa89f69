using System.Globalization;
using System.Runtime.Versioning;

namespace MeshMind.Hosting.Service;

/// <summary>Linux: a system service of systemd (<see cref="SystemdUnit"/>), run by its own system user.</summary>
[SupportedOSPlatform("linux")]
internal sealed class SystemdServiceManager(CommandRunner runner, NodeLaunch launch) : ServiceManager(runner, launch)
{
    private static readonly string[] s_follow = ["--follow"];

    public override ServiceLayout Layout(string name) => ServiceLayout.Linux(name);

    public override async Task<int> InstallAsync(ServiceSpec spec, CancellationToken cancellationToken)
    {
        var layout = Layout(spec.Name);
        if (!Runner.DryRun && !Environment.IsPrivilegedProcess)
        {
            return await FailAsync("installing a system service needs root: run `sudo meshmind service install` (with the same options); "
                + "`meshmind service install --dry-run` shows what it would do");
        }

        if (!Runner.DryRun && !Directory.Exists("/run/systemd/system"))
        {
            return await FailAsync("systemd is not running on this machine (no /run/systemd/system); "
                + "`meshmind service install --dry-run` prints the unit, to use with the service manager this machine has");
        }

        if (ServiceExecutable.WhyNotReachableOnLinux(spec.Program) is { } reason)
        {
            var message = $"the service's user '{spec.User}' could not start {spec.Program[^1]}: {reason}. "
                + "Copy the executable to a system folder and install from there: sudo install -m 755 meshmind /usr/local/bin/ && sudo /usr/local/bin/meshmind service install";
            if (!Runner.DryRun)
            {
                return await FailAsync(message);
            }

            await SayAsync("warning: " + message);
        }

        var (hasUser, _) = await Runner.CaptureAsync(new ExternalCommand("id", "-u", spec.User), cancellationToken);
        if (hasUser != 0 && !await MustAsync(new ExternalCommand("useradd", "--system", "--user-group", "--home-dir", layout.DataDirectory,
            "--no-create-home", "--shell", "/usr/sbin/nologin", "--comment", "MeshMind node", spec.User), cancellationToken))
        {
            return 2;
        }

        await WriteDefinitionAsync(layout.Definition, SystemdUnit.Render(spec),
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, cancellationToken);
        // systemd makes its state and logs directories at start, but the seed files go in before, and a --data-dir or --log-file
        // elsewhere is not systemd's to make: each is made here and handed to the service's user.
        string[] directories = [spec.DataDirectory, Path.GetDirectoryName(spec.LogFile)!];
        foreach (var directory in directories.Where(d => !Runner.DryRun && !Directory.Exists(d)))
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var copied = await CopySeedFilesAsync(spec.DataDirectory);
        if (!await MustAsync(new ExternalCommand("chown", [$"{spec.User}:{spec.User}", .. directories, .. copied]), cancellationToken))
        {
            return 2;
        }

        if (!await MustAsync(new ExternalCommand("systemctl", "daemon-reload"), cancellationToken))
        {
            return 2;
        }

        // Type=notify: this returns once the node has said it is ready (or has failed to start).
        if (await Runner.RunAsync(new ExternalCommand("systemctl", "enable", "--now", spec.Name + ".service"), cancellationToken) is var code and not 0)
        {
            return await FailAsync($"the service '{spec.Name}' did not start (exit code {code.ToString(CultureInfo.InvariantCulture)}): "
                + $"`meshmind service logs{ServiceCommand.NameOption(spec.Name)}` says why");
        }

        await SayAsync($"{(Runner.DryRun ? "would install" : "installed and started")} the systemd service '{spec.Name}', running as user '{spec.User}': "
            + $"data in {spec.DataDirectory}, log in {spec.LogFile} and the journal; it starts at boot and restarts after a failure.");
        await SayAsync($"status: meshmind service status{ServiceCommand.NameOption(spec.Name)}; logs: meshmind service logs{ServiceCommand.NameOption(spec.Name)}; "
            + $"a generated login password is in the log; to set one: sudo -u {spec.User} {string.Join(' ', spec.Program.Select(ExternalCommand.QuoteShell))} password --data-dir {ExternalCommand.QuoteShell(spec.DataDirectory)}");
        return 0;
    }

    public override async Task<int> UninstallAsync(string name, bool purge, CancellationToken cancellationToken)
    {
        var layout = Layout(name);
        if (!Runner.DryRun && !Environment.IsPrivilegedProcess)
        {
            return await FailAsync("removing a system service needs root: run `sudo meshmind service uninstall`");
        }

        // Not installed, or already stopped: fine, the rest still cleans up.
        await Runner.RunAsync(new ExternalCommand("systemctl", "disable", "--now", name + ".service"), cancellationToken);
        if (File.Exists(layout.Definition) || Runner.DryRun)
        {
            await Runner.RunAsync(new ExternalCommand("rm", "-f", layout.Definition), cancellationToken);
        }

        await Runner.RunAsync(new ExternalCommand("systemctl", "daemon-reload"), cancellationToken);
        if (purge)
        {
            await Runner.RunAsync(new ExternalCommand("rm", "-rf", layout.DataDirectory, Path.GetDirectoryName(layout.LogFile)!), cancellationToken);
            await Runner.RunAsync(new ExternalCommand("userdel", name), cancellationToken);
            await SayAsync($"removed the systemd service '{name}', its data, its logs and its user.");
        }
        else
        {
            await SayAsync($"removed the systemd service '{name}'; its data stays in {layout.DataDirectory} (`meshmind service uninstall --purge` removes it, its logs and its user).");
        }

        return 0;
    }

    public override Task<int> StatusAsync(string name, CancellationToken cancellationToken) =>
        Runner.RunAttachedAsync(new ExternalCommand("systemctl", "status", name + ".service", "--no-pager"), cancellationToken);

    public override Task<int> LogsAsync(string name, int lines, bool follow, CancellationToken cancellationToken) =>
        Runner.RunAttachedAsync(new ExternalCommand("journalctl",
            ["--unit", name + ".service", "--no-pager", "--lines", lines.ToString(CultureInfo.InvariantCulture), .. follow ? s_follow : []]), cancellationToken);
}
