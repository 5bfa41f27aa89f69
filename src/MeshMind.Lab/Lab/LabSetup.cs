using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace MeshMind.Lab.Lab;

/// <summary>What every node of one lab shares: its directory, the node command, the mesh secret, the login and the discovery port.</summary>
internal sealed record LabSetup(string Dir, IReadOnlyList<string> NodeCommand, string Secret, string Password, int DiscoveryPort)
{
    public const string Username = "admin";

    private static readonly string[] s_nodeFiles = ["meshmind", "meshmind.exe", "meshmind.dll"];

    public static LabSetup Create(string dir, IReadOnlyList<string> nodeCommand) =>
        new(dir, nodeCommand, "lab-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)),
            Convert.ToBase64String(RandomNumberGenerator.GetBytes(12)).Replace('+', 'x').Replace('/', 'y'), FreeUdpPort());

    /// <summary>
    /// How to start a node: <c>MESHMIND_LAB_NODE</c> (set by <c>meshmind lab</c> to itself), else the meshmind build beside this program.
    /// A path ending in .dll runs with <c>dotnet</c>.
    /// </summary>
    public static IReadOnlyList<string> DefaultNodeCommand()
    {
        var path = Environment.GetEnvironmentVariable("MESHMIND_LAB_NODE") is { Length: > 0 } given
            ? given
            : s_nodeFiles.Select(n => Path.Combine(AppContext.BaseDirectory, n)).FirstOrDefault(File.Exists)
              ?? "meshmind";
        return path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? ["dotnet", path] : [path];
    }

    private static int FreeUdpPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
