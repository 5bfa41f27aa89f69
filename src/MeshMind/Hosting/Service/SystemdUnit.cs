using System.Text;

namespace MeshMind.Hosting.Service;

/// <summary>The systemd unit of an installed node: <c>Type=notify</c>, restarted on failure, its own user, locked down.</summary>
internal static class SystemdUnit
{
    public static string Render(ServiceSpec spec)
    {
        var unit = new StringBuilder();
        unit.Append($"""
            # Written by `meshmind service install`; `meshmind service uninstall` removes it.
            [Unit]
            Description=MeshMind LAN LLM mesh node ({spec.Name})
            Wants=network-online.target
            After=network-online.target

            [Service]
            # The node tells systemd when it serves (READY=1) and when it stops (Microsoft.Extensions.Hosting.Systemd).
            Type=notify
            ExecStart={ExecLine(spec.CommandLine)}
            WorkingDirectory={EscapeSpecifiers(spec.DataDirectory)}
            User={spec.User}
            Group={spec.User}
            Restart=on-failure
            RestartSec=5
            TimeoutStopSec=45
            # /var/lib/{spec.Name}, /var/log/{spec.Name} and /var/cache/{spec.Name}: made by systemd, owned by the service's user,
            # the only places it may write (ProtectSystem=strict keeps them writable).
            StateDirectory={spec.Name}
            StateDirectoryMode=0700
            LogsDirectory={spec.Name}
            LogsDirectoryMode=0750
            # A single-file build unpacks its native libraries here rather than in the data directory (its home).
            CacheDirectory={spec.Name}
            Environment=DOTNET_BUNDLE_EXTRACT_BASE_DIR=/var/cache/{spec.Name}
            {ExtraWritablePaths(spec)}UMask=0077
            NoNewPrivileges=yes
            ProtectSystem=strict
            ProtectHome=yes
            PrivateTmp=yes
            PrivateDevices=yes
            ProtectKernelTunables=yes
            ProtectKernelModules=yes
            ProtectKernelLogs=yes
            ProtectControlGroups=yes
            ProtectClock=yes
            ProtectHostname=yes
            RestrictNamespaces=yes
            RestrictRealtime=yes
            RestrictSUIDSGID=yes
            LockPersonality=yes
            RemoveIPC=yes
            SystemCallArchitectures=native
            # Ports from 1024 up need no privilege; NETLINK lists the interfaces, UNIX reaches systemd's notify socket.
            CapabilityBoundingSet=
            RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK
            # Not MemoryDenyWriteExecute: .NET's JIT writes the code it runs.

            [Install]
            WantedBy=multi-user.target

            """);
        return unit.ToString().ReplaceLineEndings("\n");
    }

    /// <summary>A data directory or log file given with <c>--data-dir</c>/<c>--log-file</c> outside those two is made writable too.</summary>
    private static string ExtraWritablePaths(ServiceSpec spec)
    {
        var layout = ServiceLayout.Linux(spec.Name);
        var extra = new List<string>();
        if (spec.DataDirectory != layout.DataDirectory)
        {
            extra.Add(spec.DataDirectory);
        }

        if (Path.GetDirectoryName(spec.LogFile) is { } logs && logs != Path.GetDirectoryName(layout.LogFile))
        {
            extra.Add(logs);
        }

        return extra.Count == 0 ? "" : $"ReadWritePaths={string.Join(' ', extra.Select(p => "\"" + EscapeSpecifiers(p) + "\""))}\n";
    }

    /// <summary>An <c>ExecStart=</c> command line: words with spaces or quotes in double quotes, and systemd's specifiers escaped.</summary>
    public static string ExecLine(IEnumerable<string> words) => string.Join(' ', words.Select(QuoteWord));

    private static string QuoteWord(string word)
    {
        var escaped = EscapeSpecifiers(word).Replace("$", "$$", StringComparison.Ordinal).Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
        return escaped.Length > 0 && !escaped.Any(c => c is ' ' or '\t' or '\'' or '"' or '\\' or ';')
            ? escaped
            : "\"" + escaped + "\"";
    }

    /// <summary>systemd expands <c>%x</c> specifiers in unit settings (and <c>$VAR</c> in command lines): a literal one is doubled.</summary>
    private static string EscapeSpecifiers(string value) => value.Replace("%", "%%", StringComparison.Ordinal);
}
