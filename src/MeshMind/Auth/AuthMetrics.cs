using System.Diagnostics.Metrics;
using MeshMind.Infrastructure;

namespace MeshMind.Auth;

/// <summary>Login attempts (meter <c>MeshMind.Auth</c>): <c>meshmind.auth.logins</c> {outcome} per attempt, <c>meshmind.logins</c> {outcome} since start.</summary>
internal sealed class AuthMetrics
{
    public const string MeterName = "MeshMind.Auth";
    private readonly Counter<long> _logins;
    private readonly RunningTotals _totals = new("outcome");

    public AuthMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _logins = meter.CreateCounter<long>("meshmind.auth.logins", "{login}", "Login attempts by outcome");
        meter.CreateObservableCounter("meshmind.logins", _totals.Observe, "{login}", "Login attempts by outcome");
    }

    public void Login(bool succeeded)
    {
        var outcome = succeeded ? "ok" : "failed";
        _logins.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        _totals.Add(1, outcome);
    }
}
