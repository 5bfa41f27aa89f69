namespace MeshMind.Auth;

/// <summary>People's login (configuration section <c>Auth</c>; seed names <c>NODE_USERNAME</c>, <c>NODE_PASSWORD</c>).</summary>
internal sealed class AuthOptions
{
    public const string Section = "Auth";

    public string Username { get; set; } = "admin";

    /// <summary>A configured password. When absent the node generates one at first start and stores only its hash.</summary>
    public string? Password { get; set; }

    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Failed logins allowed per client address within <see cref="FailedLoginWindow"/> before answering 429.</summary>
    public int MaxFailedLogins { get; set; } = 5;

    public TimeSpan FailedLoginWindow { get; set; } = TimeSpan.FromMinutes(1);
}
