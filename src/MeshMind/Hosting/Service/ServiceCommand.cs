using System.CommandLine;
using System.Text.RegularExpressions;
using MeshMind.Infrastructure;

namespace MeshMind.Hosting.Service;

/// <summary>
/// <c>meshmind service install|uninstall|status|logs</c>: the node as a service of this machine's service manager (systemd,
/// the Windows service control manager, launchd), started at boot (or login, on macOS) and restarted after a failure.
/// </summary>
internal static partial class ServiceCommand
{
    public const string DefaultName = "meshmind";

    /// <param name="launch">The launch for a parse result: node options given to <c>install</c> are kept by the service.</param>
    public static Command Create(Func<ParseResult, NodeLaunch> launch)
    {
        var name = new Option<string>("--service-name")
        {
            Description = $"Name of the service (and of its user, data and log folders on Linux). Default: {DefaultName}",
            HelpName = "NAME",
            Recursive = true,
            DefaultValueFactory = _ => DefaultName,
        };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print what would be done (the unit, plist or sc.exe commands) and change nothing", Recursive = true };
        var purge = new Option<bool>("--purge") { Description = "Also delete the service's data directory, its logs and (Linux) its user" };
        var lines = new Option<int>("--lines", "-n") { Description = "Lines to show. Default: 100", HelpName = "N", DefaultValueFactory = _ => 100 };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep showing new lines until Ctrl+C" };

        var install = new Command("install",
            "Install and start the node as a service. Node options given here (--http-port, --peer...) are kept by the service; "
            + "p2p_secret.txt, auth_secret.txt and auth_user.txt in this directory are copied into its data directory.");
        install.SetAction((result, ct) => RunAsync(launch(result), result, name, dryRun, (manager, service, _) =>
            manager.InstallAsync(Spec(launch(result), manager, service), ct)));

        var uninstall = new Command("uninstall", "Stop and remove the service (its data stays unless --purge).") { purge };
        uninstall.SetAction((result, ct) => RunAsync(launch(result), result, name, dryRun, (manager, service, _) =>
            manager.UninstallAsync(service, result.GetValue(purge), ct)));

        var status = new Command("status", "Show whether the service runs (systemctl status, sc.exe queryex, launchctl print).");
        status.SetAction((result, ct) => RunAsync(launch(result), result, name, dryRun, (manager, service, _) => manager.StatusAsync(service, ct)));

        var logs = new Command("logs", "Show the service's log (the journal on Linux, its log file elsewhere).") { lines, follow };
        logs.SetAction((result, ct) => RunAsync(launch(result), result, name, dryRun, (manager, service, _) =>
            manager.LogsAsync(service, Math.Clamp(result.GetValue(lines), 1, 100_000), result.GetValue(follow), ct)));

        return new Command("service", "Run the node as a service: started at boot, restarted after a failure.") { name, dryRun, install, uninstall, status, logs };
    }

    /// <summary>What the service runs: this executable, the platform's data and log places (or those given), and the other node options given.</summary>
    internal static ServiceSpec Spec(NodeLaunch launch, ServiceManager manager, string name)
    {
        var layout = manager.Layout(name);
        var given = launch.CommandLine;
        string? Path(string key) =>
            given.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value) ? System.IO.Path.GetFullPath(value, launch.WorkingDirectory) : null;
        return new ServiceSpec
        {
            Name = name,
            Program = ServiceExecutable.Current(),
            DataDirectory = Path("Node:DataDir") ?? layout.DataDirectory,
            LogFile = Path("Telemetry:LogFile") ?? layout.LogFile,
            NodeArguments = NodeArguments(given),
            User = name,
        };
    }

    /// <summary>The node options given on the command line, as flags again (data directory and log file aside: the service sets them).</summary>
    internal static IReadOnlyList<string> NodeArguments(IReadOnlyDictionary<string, string?> given) =>
    [
        .. given
            .Where(e => e.Value is not null && e.Key is not ("Node:DataDir" or "Telemetry:LogFile") && Settings.Flag(e.Key) is not null)
            .OrderBy(e => e.Key, StringComparer.Ordinal)
            .SelectMany(e => new[] { Settings.Flag(e.Key)!, e.Value! }),
    ];

    private static async Task<int> RunAsync(NodeLaunch launch, ParseResult result, Option<string> nameOption, Option<bool> dryRunOption,
        Func<ServiceManager, string, bool, Task<int>> action)
    {
        var name = result.GetValue(nameOption) ?? DefaultName;
        if (!ValidName().IsMatch(name))
        {
            await launch.Error.WriteLineAsync($"meshmind: error: --service-name: '{name}' is not a service name (a-z, 0-9 and '-', starting with a letter, at most 32)");
            return 2;
        }

        var dryRun = result.GetValue(dryRunOption);
        var runner = new CommandRunner(launch.Output, dryRun);
        ServiceManager? manager = OperatingSystem.IsLinux() ? new SystemdServiceManager(runner, launch)
            : OperatingSystem.IsWindows() ? new WindowsServiceManager(runner, launch)
            : OperatingSystem.IsMacOS() ? new LaunchdServiceManager(runner, launch)
            : null;
        if (manager is null)
        {
            await launch.Error.WriteLineAsync("meshmind: error: services are supported on Linux (systemd), Windows and macOS (launchd)");
            return 2;
        }

        return await action(manager, name, dryRun);
    }

    /// <summary>" --service-name NAME" for a service not named the default, to repeat in the commands the output suggests.</summary>
    internal static string NameOption(string name) => name == DefaultName ? "" : " --service-name " + name;

    [GeneratedRegex("^[a-z][a-z0-9-]{0,31}$")]
    private static partial Regex ValidName();
}
