using System.Net;
using MeshMind.Web;
using Microsoft.Extensions.Time.Testing;

namespace MeshMind.Tests.Web;

public sealed class HostAllowlistTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
    private readonly List<IPAddress> _interfaces = [IPAddress.Parse("192.168.1.20"), IPAddress.Parse("fe80::1234%2")];
    private int _lookups;

    private HostAllowlist Create(params string[] allowedHosts) =>
        new(new HttpOptions { AllowedHosts = [.. allowedHosts] }, _time, ["gpu-box", "gpu-box.local"], () =>
        {
            _lookups++;
            return [.. _interfaces];
        });

    [Theory]
    [InlineData("")]
    [InlineData("localhost")]
    [InlineData("a.b.localhost")]
    [InlineData("127.0.0.1")]
    [InlineData("127.10.0.1")]
    [InlineData("[::1]")]
    [InlineData("[::ffff:127.0.0.1]")]
    [InlineData("192.168.1.20")]
    [InlineData("[fe80::1234]")]
    [InlineData("GPU-BOX")]
    [InlineData("gpu-box.local.")]
    public void IsAllowed_OwnNames_True(string host) => Assert.True(Create().IsAllowed(host));

    [Theory]
    [InlineData("evil.example")]
    [InlineData("localhost.evil.example")]
    [InlineData("evillocalhost")]
    [InlineData("192.168.1.21")]
    [InlineData("0.0.0.0")]
    [InlineData("gpu-box.evil.example")]
    public void IsAllowed_OtherNames_False(string host) => Assert.False(Create().IsAllowed(host));

    [Fact]
    public void IsAllowed_ConfiguredNamesAndSuffixes()
    {
        var allowlist = Create("meshmind.example", "*.lan.example", "10.0.0.9");

        Assert.True(allowlist.IsAllowed("MeshMind.Example"));
        Assert.True(allowlist.IsAllowed("a.lan.example"));
        Assert.True(allowlist.IsAllowed("10.0.0.9"));
        Assert.False(allowlist.IsAllowed("lan.example.evil.example"));
        Assert.False(allowlist.IsAllowed("xlan.example"));
    }

    [Fact]
    public void IsAllowed_Star_AllowsAny() => Assert.True(Create("*").IsAllowed("evil.example"));

    [Fact]
    public void IsAllowed_NewInterfaceAddress_SeenAfterRefreshInterval_LookupsBounded()
    {
        var allowlist = Create();
        Assert.True(allowlist.IsAllowed("192.168.1.20"));
        _interfaces.Add(IPAddress.Parse("10.1.2.3"));

        Assert.False(allowlist.IsAllowed("10.1.2.3"));
        Assert.False(allowlist.IsAllowed("10.1.2.3"));
        Assert.Equal(1, _lookups);

        _time.Advance(HostAllowlist.AddressRefresh);
        Assert.True(allowlist.IsAllowed("10.1.2.3"));
        Assert.Equal(2, _lookups);
    }
}
