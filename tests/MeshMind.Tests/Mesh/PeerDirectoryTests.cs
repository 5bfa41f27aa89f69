using System.Net;
using MeshMind.Files;
using MeshMind.Mesh;
using MeshMind.Mesh.Links;

namespace MeshMind.Tests.Mesh;

/// <summary>What the directory knows of a peer between admission and its hello.</summary>
public sealed class PeerDirectoryTests
{
    private static readonly string s_peerId = new('a', 64);

    [Fact]
    public void Admit_AfterDiallingThePeer_KnowsItsMeshPortBeforeHello_SoItsFilesCanBeListed()
    {
        // The bench saw /api/peers show a static peer "up" for seconds before its hello was read on a busy node; with no
        // mesh port it was left out of /api/files (4,000 of 10,000 entries on the first listing).
        var peers = new PeerDirectory(TimeProvider.System);

        peers.Admit(s_peerId, "peer", IPAddress.Loopback, meshPort: 41000);
        peers.SetLink(s_peerId, LinkState.Up, null);

        var peer = peers.Find(s_peerId)!;
        Assert.Equal(41000, peer.MeshPort);
        Assert.True(PeerFiles.IsLive(peer));
    }

    [Fact]
    public void Admit_OfAPeerThatDialledUs_KeepsTheMeshPortItsHelloGave()
    {
        var peers = new PeerDirectory(TimeProvider.System);
        peers.UpdateHello(s_peerId, new HelloMessage(s_peerId, "instance", "peer", "0.1.0", 8080, 42000), IPAddress.Loopback);

        peers.Admit(s_peerId, "peer", IPAddress.Loopback);

        Assert.Equal(42000, peers.Find(s_peerId)!.MeshPort);
    }
}
