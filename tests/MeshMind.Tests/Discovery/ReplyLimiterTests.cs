using System.Net;
using MeshMind.Discovery;
using Microsoft.Extensions.Time.Testing;

namespace MeshMind.Tests.Discovery;

/// <summary>The bounds on answers to announcements (issue 14, finding 3), on a fake clock, with a 30 s announcement interval.</summary>
public sealed class ReplyLimiterTests
{
    private static readonly TimeSpan s_interval = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));

    private static IPAddress Address(int i) => new([10, 0, (byte)(i / 250), (byte)(1 + (i % 250))]);

    [Fact]
    public void TryTake_FloodToOneAddress_BoundedPerInterval_OtherAddressesStillAnswered()
    {
        var limiter = new ReplyLimiter(s_interval, _time);
        var victim = IPAddress.Parse("192.0.2.7");

        var answered = Enumerable.Range(0, 1_000).Count(_ => limiter.TryTake(victim));

        Assert.Equal(ReplyLimiter.MaxPerDestination, answered);
        Assert.True(limiter.TryTake(IPAddress.Parse("192.0.2.8")));
        _time.Advance(s_interval - TimeSpan.FromSeconds(1));
        Assert.False(limiter.TryTake(victim));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(ReplyLimiter.MaxPerDestination, Enumerable.Range(0, 100).Count(_ => limiter.TryTake(victim)));
    }

    [Fact]
    public void TryTake_ManyAddresses_TotalBoundedPerInterval()
    {
        var limiter = new ReplyLimiter(s_interval, _time);

        var answered = Enumerable.Range(0, 5_000).Count(i => limiter.TryTake(Address(i)));

        Assert.Equal(ReplyLimiter.MaxTotal, answered);
        _time.Advance(s_interval);
        Assert.True(limiter.TryTake(IPAddress.Parse("192.0.2.9")));
    }
}
