using System.Security;
using System.Text;

namespace MeshMind.Hosting.Service;

/// <summary>The launchd agent of an installed node on macOS: started at login, kept alive, its log in <c>~/Library/Logs</c>.</summary>
internal static class LaunchdPlist
{
    public static string Label(string name) => "local." + name;

    public static string Render(ServiceSpec spec)
    {
        var arguments = new StringBuilder();
        foreach (var word in spec.CommandLine)
        {
            arguments.Append("        <string>").Append(SecurityElement.Escape(word)).Append("</string>\n");
        }

        return $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
            <!-- Written by `meshmind service install`; `meshmind service uninstall` removes it. -->
            <plist version="1.0">
            <dict>
                <key>Label</key>
                <string>{SecurityElement.Escape(Label(spec.Name))}</string>
                <key>ProgramArguments</key>
                <array>
            {arguments}    </array>
                <key>WorkingDirectory</key>
                <string>{SecurityElement.Escape(spec.DataDirectory)}</string>
                <key>RunAtLoad</key>
                <true/>
                <!-- Restarted whenever it exits, but not more often than every 10 s. -->
                <key>KeepAlive</key>
                <true/>
                <key>ThrottleInterval</key>
                <integer>10</integer>
                <key>ProcessType</key>
                <string>Background</string>
                <!-- The node logs to its own rotating file (see ProgramArguments); launchd would let these grow without end. -->
                <key>StandardOutPath</key>
                <string>/dev/null</string>
                <key>StandardErrorPath</key>
                <string>/dev/null</string>
            </dict>
            </plist>

            """.ReplaceLineEndings("\n");
    }
}
