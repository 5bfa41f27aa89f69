using System.Net;
using MeshMind.Discovery;

namespace MeshMind.Tests.Discovery;

/// <summary>Where announcements are broadcast, and which sources may be answered (issue 14, finding 3).</summary>
public sealed class LanSubnetTests
{
    private static readonly LanSubnet s_home = new(IPAddress.Parse("192.168.1.10"), IPAddress.Parse("255.255.255.0"));
    private static readonly LanSubnet s_lab = new(IPAddress.Parse("10.20.0.1"), IPAddress.Parse("255.255.240.0"));

    [Theory]
    [InlineData("192.168.1.77", true)]
    [InlineData("192.168.1.255", true)]
    [InlineData("10.20.15.200", true)]
    [InlineData("10.20.16.1", false)]
    [InlineData("192.168.2.77", false)]
    [InlineData("8.8.8.8", false)]
    [InlineData("127.0.0.5", true)] // this machine
    [InlineData("::1", true)]
    [InlineData("fe80::1", false)]
    public void IsLocal_SourceOnASubnetOrThisMachine(string source, bool expected) =>
        Assert.Equal(expected, LanSubnets.IsLocal(IPAddress.Parse(source), [s_home, s_lab]));

    [Fact]
    public void IsLocal_NoInterfaces_OnlyThisMachine()
    {
        Assert.False(LanSubnets.IsLocal(IPAddress.Parse("192.168.1.77"), []));
        Assert.True(LanSubnets.IsLocal(IPAddress.Loopback, []));
    }

    [Fact]
    public void Broadcast_SetsEveryHostBit()
    {
        Assert.Equal(IPAddress.Parse("192.168.1.255"), s_home.Broadcast);
        Assert.Equal(IPAddress.Parse("10.20.15.255"), s_lab.Broadcast);
    }
}
