using System.Globalization;
using MeshMind.Infrastructure;
using MeshMind.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace MeshMind.Tests.Web;

/// <summary>
/// The node's listening sockets queue as many connections as the system allows (issue 14, load): with Kestrel's 512, a burst
/// of 1,000 chats overflowed the HTTP port's accept queue and the dropped connections came a second late.
/// </summary>
public sealed class ListenBacklogTests
{
    [Fact]
    public async Task HttpAndMeshPorts_ListenWithTheSystemsLargestBacklog()
    {
        var somaxconn = int.Parse(await File.ReadAllTextAsync("/proc/sys/net/core/somaxconn", TestContext.Current.CancellationToken),
            CultureInfo.InvariantCulture);
        await using var node = await TestNode.StartAsync();
        var ports = node.App.Services.GetRequiredService<BoundEndpoints>();

        foreach (var port in new[] { node.BaseAddress.Port, ports.MeshPort })
        {
            // For a listening socket, ss shows the backlog in the Send-Q column: "LISTEN 0 4096 127.0.0.1:PORT 0.0.0.0:*".
            var (exitCode, output, error) = await Command.RunAsync("ss", ["-Hltn", $"sport = :{port}"], TestContext.Current.CancellationToken);
            Assert.True(exitCode == 0, error);
            var columns = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(somaxconn, int.Parse(columns[2], CultureInfo.InvariantCulture));
        }
    }
}
