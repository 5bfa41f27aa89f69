using MeshMind.Hosting;
using MeshMind.Hosting.Service;
using MeshMind.Tests.Support;

namespace MeshMind.Tests.Hosting.Service;

/// <summary>The generated systemd unit, launchd plist and <c>sc.exe</c> commands, against checked-in golden copies.</summary>
public sealed class ServiceDefinitionTests
{
    private static readonly ServiceSpec s_linux = new()
    {
        Name = "meshmind",
        Program = ["/usr/local/bin/meshmind"],
        DataDirectory = ServiceLayout.Linux("meshmind").DataDirectory,
        LogFile = ServiceLayout.Linux("meshmind").LogFile,
        NodeArguments = ["--http-port", "9090", "--name", "Lab box 100%"],
    };

    [Fact]
    public void SystemdUnit_DefaultLayout_MatchesGolden()
    {
        var unit = SystemdUnit.Render(s_linux);

        Golden.Matches(unit, "meshmind.service");
        Assert.Contains("ExecStart=/usr/local/bin/meshmind run --data-dir /var/lib/meshmind --log-file /var/log/meshmind/meshmind.log --http-port 9090 --name \"Lab box 100%%\"\n",
            unit, StringComparison.Ordinal);
        Assert.DoesNotContain("ReadWritePaths", unit, StringComparison.Ordinal);
    }

    [Fact]
    public void SystemdUnit_DataDirectoryElsewhere_IsMadeWritable()
    {
        var unit = SystemdUnit.Render(s_linux with { DataDirectory = "/srv/mesh data", LogFile = "/srv/logs/m.log" });

        Assert.Contains("ReadWritePaths=\"/srv/mesh data\" \"/srv/logs\"\n", unit, StringComparison.Ordinal);
        Assert.Contains("WorkingDirectory=/srv/mesh data\n", unit, StringComparison.Ordinal);
        Assert.Contains("--data-dir \"/srv/mesh data\"", unit, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("two words", "\"two words\"")]
    [InlineData("100%", "100%%")]
    [InlineData("$HOME", "$$HOME")]
    [InlineData("say \"hi\"", "\"say \\\"hi\\\"\"")]
    [InlineData(@"back\slash", "\"back\\\\slash\"")]
    public void SystemdExecLine_QuotesAndEscapesEachWord(string word, string expected)
    {
        Assert.Equal("/bin/x " + expected, SystemdUnit.ExecLine(["/bin/x", word]));
    }

    [Fact]
    public void LaunchdPlist_DefaultLayout_MatchesGolden()
    {
        var layout = ServiceLayout.MacOS("meshmind", "/Users/ada");
        var spec = new ServiceSpec
        {
            Name = "meshmind",
            Program = ["/Users/ada/bin/meshmind"],
            DataDirectory = layout.DataDirectory,
            LogFile = layout.LogFile,
            NodeArguments = ["--peer", "10.0.0.5:7878", "--name", "Ada's <Mac> & co"],
        };

        var plist = LaunchdPlist.Render(spec);

        Golden.Matches(plist, "local.meshmind.plist");
        Assert.Equal("/Users/ada/Library/LaunchAgents/local.meshmind.plist", layout.Definition);
        Assert.Contains("<string>Ada&apos;s &lt;Mac&gt; &amp; co</string>", plist, StringComparison.Ordinal);
        Assert.Equal("plist", System.Xml.Linq.XDocument.Parse(plist, System.Xml.Linq.LoadOptions.None).Root!.Name.LocalName);
    }

    [Fact]
    public void WindowsServiceCommands_DefaultLayout_MatchesGolden()
    {
        var layout = ServiceLayout.Windows("meshmind", @"C:\ProgramData");
        var spec = new ServiceSpec
        {
            Name = "meshmind",
            Program = [@"C:\Program Files\MeshMind\meshmind.exe"],
            DataDirectory = layout.DataDirectory,
            LogFile = layout.LogFile,
            NodeArguments = ["--name", "Front desk"],
        };

        var commands = WindowsServiceCommands.Install(spec);

        Golden.Matches(string.Join('\n', commands.Select(c => c.ToWindows())) + "\n", "windows-install.txt");
        Assert.Equal(@"C:\ProgramData\MeshMind", layout.DataDirectory);
        // The binPath argument, exactly as sc.exe receives it: the service's own command line, its paths quoted.
        Assert.Equal(
            "\"C:\\Program Files\\MeshMind\\meshmind.exe\" run --data-dir C:\\ProgramData\\MeshMind --log-file C:\\ProgramData\\MeshMind\\logs\\meshmind.log --name \"Front desk\"",
            commands[0].Arguments[3]);
        Assert.Equal(["sc.exe", "stop", "sc.exe", "delete"], WindowsServiceCommands.Uninstall("meshmind").SelectMany(c => new[] { c.File, c.Arguments[0] }));
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("two words", "\"two words\"")]
    [InlineData(@"C:\dir with space\", "\"C:\\dir with space\\\\\"")]
    [InlineData("say \"hi\"", "\"say \\\"hi\\\"\"")]
    [InlineData("", "\"\"")]
    public void QuoteWindows_FollowsTheCRuntimeRules(string word, string expected)
    {
        Assert.Equal(expected, ExternalCommand.QuoteWindows(word));
    }

    [Fact]
    public void NodeArguments_KeepsGivenNodeOptionsAsFlagsButNotDataDirOrLogFile()
    {
        var given = new Dictionary<string, string?>
        {
            ["Node:DataDir"] = "/somewhere",
            ["Telemetry:LogFile"] = "x.log",
            ["Http:Port"] = "9090",
            ["Mesh:Peers:0"] = "10.0.0.5:7878",
            ["Mesh:Peers:1"] = "b:7000",
            ["Discovery:Mode"] = "off",
        };

        Assert.Equal(["--discovery", "off", "--http-port", "9090", "--peer", "10.0.0.5:7878", "--peer", "b:7000"], ServiceCommand.NodeArguments(given));
    }
}
