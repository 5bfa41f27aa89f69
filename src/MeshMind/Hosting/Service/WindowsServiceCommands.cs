namespace MeshMind.Hosting.Service;

/// <summary>
/// The commands that install, remove and query a node as a Windows Service (<c>sc.exe</c>, <c>icacls</c>): started at boot
/// (delayed, after the network), restarted on failure, run by its own virtual account <c>NT SERVICE\NAME</c>, which alone
/// (with SYSTEM and Administrators) may use <c>%ProgramData%\MeshMind</c>.
/// </summary>
internal static class WindowsServiceCommands
{
    public static IReadOnlyList<ExternalCommand> Install(ServiceSpec spec)
    {
        var account = Account(spec.Name);
        // sc.exe takes "option= value" as two words; binPath is one string holding the whole quoted command line.
        var binPath = string.Join(' ', spec.CommandLine.Select(ExternalCommand.QuoteWindows));
        return
        [
            new("sc.exe", "create", spec.Name, "binPath=", binPath, "start=", "delayed-auto", "obj=", account, "DisplayName=", DisplayName(spec.Name)),
            // After create, when the virtual account exists. Inheritance off, then full control for SYSTEM (S-1-5-18) and
            // Administrators (S-1-5-32-544), modify for the service: the data directory holds the mesh secret and the node's
            // identity, which other users of the machine must not read.
            new("icacls", spec.DataDirectory, "/inheritance:r", "/grant:r", "*S-1-5-18:(OI)(CI)F", "*S-1-5-32-544:(OI)(CI)F", $"{account}:(OI)(CI)M"),
            new("sc.exe", "description", spec.Name, "MeshMind: LAN peer-to-peer LLM mesh node. Data in " + spec.DataDirectory),
            // Restart after 5 s, 5 s, then 30 s; the count starts over after a day without failure.
            new("sc.exe", "failure", spec.Name, "reset=", "86400", "actions=", "restart/5000/restart/5000/restart/30000"),
            // Also when the node exits with an error by itself (a bad setting), not only when it crashes.
            new("sc.exe", "failureflag", spec.Name, "1"),
            new("sc.exe", "start", spec.Name),
        ];
    }

    public static IReadOnlyList<ExternalCommand> Uninstall(string name) =>
    [
        new("sc.exe", "stop", name),
        new("sc.exe", "delete", name),
    ];

    public static ExternalCommand Status(string name) => new("sc.exe", "queryex", name);

    public static string Account(string name) => $@"NT SERVICE\{name}";

    public static string DisplayName(string name) => name == ServiceCommand.DefaultName ? "MeshMind" : $"MeshMind ({name})";
}
