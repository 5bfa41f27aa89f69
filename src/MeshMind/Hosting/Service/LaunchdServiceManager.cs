using System.Runtime.Versioning;

namespace MeshMind.Hosting.Service;

/// <summary>macOS: a launchd agent of the user who installs it (<see cref="LaunchdPlist"/>), running while they are logged in.</summary>
[SupportedOSPlatform("macos")]
internal sealed class LaunchdServiceManager(CommandRunner runner, NodeLaunch launch) : ServiceManager(runner, launch)
{
    public override ServiceLayout Layout(string name) =>
        ServiceLayout.MacOS(name, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));

    public override async Task<int> InstallAsync(ServiceSpec spec, CancellationToken cancellationToken)
    {
        if (Environment.IsPrivilegedProcess)
        {
            return await FailAsync("a launch agent belongs to the user who runs it: run `meshmind service install` without sudo");
        }

        var layout = Layout(spec.Name);
        if (!Runner.DryRun)
        {
            Directory.CreateDirectory(spec.DataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            Directory.CreateDirectory(Path.GetDirectoryName(spec.LogFile)!);
        }

        await CopySeedFilesAsync(spec.DataDirectory);
        await WriteDefinitionAsync(layout.Definition, LaunchdPlist.Render(spec), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            cancellationToken);
        var domain = await DomainAsync(cancellationToken);
        // A reinstall replaces the loaded agent: bootout fails harmlessly when none is loaded.
        await Runner.RunAsync(new ExternalCommand("launchctl", "bootout", $"{domain}/{LaunchdPlist.Label(spec.Name)}"), cancellationToken);
        if (!await MustAsync(new ExternalCommand("launchctl", "bootstrap", domain, layout.Definition), cancellationToken))
        {
            return 2;
        }

        var option = ServiceCommand.NameOption(spec.Name);
        await SayAsync($"{(Runner.DryRun ? "would install" : "installed and started")} the launch agent '{LaunchdPlist.Label(spec.Name)}': "
            + $"data in {spec.DataDirectory}, log in {spec.LogFile} (Console.app shows it); it starts when you log in and restarts whenever it stops.");
        await SayAsync($"status: meshmind service status{option}; logs: meshmind service logs{option}; "
            + $"launchd shows no console, so set the login password: {string.Join(' ', spec.Program.Select(ExternalCommand.QuoteShell))} password --data-dir {ExternalCommand.QuoteShell(spec.DataDirectory)}");
        return 0;
    }

    public override async Task<int> UninstallAsync(string name, bool purge, CancellationToken cancellationToken)
    {
        var layout = Layout(name);
        await Runner.RunAsync(new ExternalCommand("launchctl", "bootout", $"{await DomainAsync(cancellationToken)}/{LaunchdPlist.Label(name)}"), cancellationToken);
        await Runner.RunAsync(new ExternalCommand("rm", "-f", layout.Definition), cancellationToken);
        if (purge)
        {
            await Runner.RunAsync(new ExternalCommand("rm", "-rf", layout.DataDirectory, Path.GetDirectoryName(layout.LogFile)!), cancellationToken);
            await SayAsync($"removed the launch agent '{LaunchdPlist.Label(name)}', its data and its logs.");
        }
        else
        {
            await SayAsync($"removed the launch agent '{LaunchdPlist.Label(name)}'; its data stays in {layout.DataDirectory} (`meshmind service uninstall --purge` removes it).");
        }

        return 0;
    }

    public override async Task<int> StatusAsync(string name, CancellationToken cancellationToken) =>
        await Runner.RunAttachedAsync(new ExternalCommand("launchctl", "print", $"{await DomainAsync(cancellationToken)}/{LaunchdPlist.Label(name)}"), cancellationToken);

    public override Task<int> LogsAsync(string name, int lines, bool follow, CancellationToken cancellationToken) =>
        TailAsync(Layout(name).LogFile, lines, follow, cancellationToken);

    /// <summary>The logged-in user's launchd domain, <c>gui/UID</c>.</summary>
    private async Task<string> DomainAsync(CancellationToken cancellationToken)
    {
        var (_, uid) = await Runner.CaptureAsync(new ExternalCommand("id", "-u"), cancellationToken);
        return "gui/" + uid.Trim();
    }
}
