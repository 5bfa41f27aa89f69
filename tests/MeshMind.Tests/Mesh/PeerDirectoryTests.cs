using System.Net;
using MeshMind.Files.Peers;
using MeshMind.Mesh.Links;
using MeshMind.Mesh.Peers;

namespace MeshMind.Tests.Mesh;

/// <summary>What the directory knows of a peer between admission and its hello, and its sorted snapshot.</summary>
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

    [Fact]
    public void Snapshot_SortedByName_AndFollowsEveryChange()
    {
        var peers = new PeerDirectory(TimeProvider.System);
        var other = new string('b', 64);
        peers.Admit(s_peerId, "zulu", IPAddress.Loopback, meshPort: 41000);
        peers.Admit(other, "alpha", IPAddress.Loopback, meshPort: 41001);

        var first = peers.Snapshot();
        Assert.Equal(["alpha", "zulu"], first.Select(p => p.Name));
        Assert.Same(first, peers.Snapshot()); // unchanged: the same list, not sorted again

        peers.SetLink(s_peerId, LinkState.Up, 1.5);
        Assert.Equal(LinkState.Up, peers.Snapshot().Single(p => p.NodeId == s_peerId).LinkState);
        Assert.NotEqual(LinkState.Up, first.Single(p => p.NodeId == s_peerId).LinkState); // a snapshot already taken stays as it was

        peers.Revoke(other);
        Assert.True(peers.Snapshot().Single(p => p.NodeId == other).Revoked);
    }
}
