using System.Net;
using MeshMind.Auth;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace MeshMind.Tests.Auth;

public sealed class LoginThrottleTests
{
    private static readonly IPAddress s_client = IPAddress.Parse("192.168.1.10");
    private static readonly IPAddress s_other = IPAddress.Parse("192.168.1.11");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));

    private LoginThrottle Create(int free = 3, int perHour = 100) =>
        new(Options.Create(new AuthOptions
        {
            MaxFailedLogins = free,
            FailedLoginWindow = TimeSpan.FromMinutes(15),
            MaxLoginDelay = TimeSpan.FromSeconds(10),
            MaxFailedLoginsPerHour = perHour,
        }), _time);

    private static void Fail(LoginThrottle throttle, IPAddress client, int times, string? browser = null)
    {
        for (var i = 0; i < times; i++)
        {
            throttle.RecordFailure(client, browser);
        }
    }

    [Fact]
    public void RetryAfter_FreeFailures_Null()
    {
        var throttle = Create();
        Fail(throttle, s_client, 2);

        Assert.Null(throttle.RetryAfter(s_client, null));
    }

    [Fact]
    public void RetryAfter_BeyondFree_DoublesFromTheLastFailure_UpToTheCap()
    {
        var throttle = Create();
        Fail(throttle, s_client, 3);
        Assert.Equal(TimeSpan.FromSeconds(1), throttle.RetryAfter(s_client, null));

        Fail(throttle, s_client, 1);
        Assert.Equal(TimeSpan.FromSeconds(2), throttle.RetryAfter(s_client, null));
        Fail(throttle, s_client, 1);
        Assert.Equal(TimeSpan.FromSeconds(4), throttle.RetryAfter(s_client, null));
        _time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(TimeSpan.FromSeconds(1), throttle.RetryAfter(s_client, null));

        Fail(throttle, s_client, 10);
        Assert.Equal(TimeSpan.FromSeconds(10), throttle.RetryAfter(s_client, null));
    }

    [Fact]
    public void RetryAfter_QuietForTheWindow_Forgotten()
    {
        var throttle = Create();
        Fail(throttle, s_client, 3);
        _time.Advance(TimeSpan.FromMinutes(15));

        Fail(throttle, s_client, 1);
        Assert.Null(throttle.RetryAfter(s_client, null));
    }

    [Fact]
    public void RetryAfter_OtherAddress_NotAffected_LoopbackAddressesAreOne_IPv6By64()
    {
        var throttle = Create();
        Fail(throttle, s_client, 3);
        Fail(throttle, IPAddress.Parse("127.0.0.2"), 3);
        Fail(throttle, IPAddress.Parse("2001:db8:1:2::1"), 3);

        Assert.Null(throttle.RetryAfter(s_other, null));
        Assert.NotNull(throttle.RetryAfter(IPAddress.Loopback, null));
        Assert.NotNull(throttle.RetryAfter(IPAddress.IPv6Loopback, null));
        Assert.NotNull(throttle.RetryAfter(IPAddress.Parse("2001:db8:1:2::ffff"), null));
        Assert.Null(throttle.RetryAfter(IPAddress.Parse("2001:db8:1:3::1"), null));
    }

    [Fact]
    public void RecordSuccess_ClearsTheAddress()
    {
        var throttle = Create();
        Fail(throttle, s_client, 3);
        throttle.RecordSuccess(s_client, null);
        Fail(throttle, s_client, 1);

        Assert.Null(throttle.RetryAfter(s_client, null));
    }

    [Fact]
    public void KnownBrowser_NotHeldUpByItsAddress_UntilItsOwnFailuresReachTheLimit()
    {
        var throttle = Create();
        Fail(throttle, s_client, 20);

        Assert.Null(throttle.RetryAfter(s_client, "owner"));
        Fail(throttle, s_client, 2, "owner");
        Assert.Null(throttle.RetryAfter(s_client, "owner"));
        Fail(throttle, s_client, 1, "owner");
        Assert.NotNull(throttle.RetryAfter(s_client, "owner"));
    }

    [Fact]
    public void Account_ManyAddresses_LimitedPerHour_ExceptLoopbackAndKnownBrowsers()
    {
        var throttle = Create(perHour: 10);
        for (var i = 0; i < 10; i++)
        {
            throttle.RecordFailure(IPAddress.Parse($"10.0.0.{i + 1}"), null);
            _time.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.Equal(TimeSpan.FromMinutes(50), throttle.RetryAfter(IPAddress.Parse("10.0.1.1"), null));
        Assert.Null(throttle.RetryAfter(IPAddress.Loopback, null));
        Assert.Null(throttle.RetryAfter(IPAddress.Parse("10.0.1.1"), "owner"));
        _time.Advance(TimeSpan.FromMinutes(50));
        Assert.Null(throttle.RetryAfter(IPAddress.Parse("10.0.1.1"), null));
    }

    [Fact]
    public void RecordFailure_ManyAddresses_TrackingStaysBounded()
    {
        var throttle = Create(free: 1, perHour: 100_000);
        for (var i = 0; i < LoginThrottle.MaxTracked + 50; i++)
        {
            throttle.RecordFailure(new IPAddress(BitConverter.GetBytes(i + 1)), null);
        }

        Assert.NotNull(throttle.RetryAfter(new IPAddress(BitConverter.GetBytes(LoginThrottle.MaxTracked + 50)), null));
        Assert.Null(throttle.RetryAfter(new IPAddress(BitConverter.GetBytes(1)), null));
    }
}
