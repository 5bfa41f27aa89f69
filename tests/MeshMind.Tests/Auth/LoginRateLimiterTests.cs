using System.Net;
using MeshMind.Auth;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace MeshMind.Tests.Auth;

public sealed class LoginRateLimiterTests
{
    private static readonly IPAddress s_client = IPAddress.Parse("127.0.0.10");
    private static readonly IPAddress s_other = IPAddress.Parse("127.0.0.11");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));

    private LoginRateLimiter Create(int limit = 3) =>
        new(Options.Create(new AuthOptions { MaxFailedLogins = limit, FailedLoginWindow = TimeSpan.FromMinutes(1) }), _time);

    [Fact]
    public void RetryAfter_BelowLimit_Null()
    {
        var limiter = Create();
        limiter.RecordFailure(s_client);
        limiter.RecordFailure(s_client);

        Assert.Null(limiter.RetryAfter(s_client));
    }

    [Fact]
    public void RetryAfter_AtLimit_UntilOldestFailureLeavesWindow()
    {
        var limiter = Create();
        limiter.RecordFailure(s_client);
        _time.Advance(TimeSpan.FromSeconds(20));
        limiter.RecordFailure(s_client);
        limiter.RecordFailure(s_client);

        Assert.Equal(TimeSpan.FromSeconds(40), limiter.RetryAfter(s_client));
        _time.Advance(TimeSpan.FromSeconds(39));
        Assert.Equal(TimeSpan.FromSeconds(1), limiter.RetryAfter(s_client));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(limiter.RetryAfter(s_client));
    }

    [Fact]
    public void RetryAfter_OtherAddress_NotAffected()
    {
        var limiter = Create();
        for (var i = 0; i < 3; i++)
        {
            limiter.RecordFailure(s_client);
        }

        Assert.NotNull(limiter.RetryAfter(s_client));
        Assert.Null(limiter.RetryAfter(s_other));
    }

    [Fact]
    public void RecordSuccess_ClearsFailures()
    {
        var limiter = Create();
        limiter.RecordFailure(s_client);
        limiter.RecordFailure(s_client);
        limiter.RecordSuccess(s_client);
        limiter.RecordFailure(s_client);

        Assert.Null(limiter.RetryAfter(s_client));
    }

    [Fact]
    public void RecordFailure_ManyAddresses_TrackingStaysBounded()
    {
        var limiter = Create(limit: 1);
        for (var i = 0; i < LoginRateLimiter.MaxTrackedClients + 50; i++)
        {
            limiter.RecordFailure(new IPAddress(BitConverter.GetBytes(i + 1)));
        }

        var newest = new IPAddress(BitConverter.GetBytes(LoginRateLimiter.MaxTrackedClients + 50));
        Assert.NotNull(limiter.RetryAfter(newest));
        Assert.Null(limiter.RetryAfter(new IPAddress(BitConverter.GetBytes(1))));
    }
}
