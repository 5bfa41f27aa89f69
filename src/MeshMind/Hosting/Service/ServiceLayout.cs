namespace MeshMind.Hosting.Service;

/// <summary>Where an installed service keeps its data and its log on each platform.</summary>
internal sealed record ServiceLayout(string DataDirectory, string LogFile, string Definition)
{
    /// <summary>Linux: <c>/var/lib/NAME</c>, <c>/var/log/NAME/meshmind.log</c> (both made by systemd for the service's user), the unit in <c>/etc/systemd/system</c>.</summary>
    public static ServiceLayout Linux(string name) =>
        new($"/var/lib/{name}", $"/var/log/{name}/meshmind.log", $"/etc/systemd/system/{name}.service");

    /// <summary>Windows: <c>%ProgramData%\MeshMind</c> with the log in its <c>logs</c> folder; the service lives in the registry.</summary>
    public static ServiceLayout Windows(string name, string programData)
    {
        var data = System.IO.Path.Join(programData, name == ServiceCommand.DefaultName ? "MeshMind" : name).Replace('/', '\\');
        return new(data, data + @"\logs\meshmind.log", name);
    }

    /// <summary>macOS: <c>~/Library/Application Support/MeshMind</c>, <c>~/Library/Logs/MeshMind/meshmind.log</c> (Console.app shows it), the agent in <c>~/Library/LaunchAgents</c>.</summary>
    public static ServiceLayout MacOS(string name, string home)
    {
        var folder = name == ServiceCommand.DefaultName ? "MeshMind" : name;
        return new($"{home}/Library/Application Support/{folder}", $"{home}/Library/Logs/{folder}/meshmind.log",
            $"{home}/Library/LaunchAgents/{LaunchdPlist.Label(name)}.plist");
    }
}
