namespace MeshMind.Auth;

/// <summary>People's login (configuration section <c>Auth</c>; seed names <c>NODE_USERNAME</c>, <c>NODE_PASSWORD</c>).</summary>
internal sealed class AuthOptions
{
    public const string Section = "Auth";

    public string Username { get; set; } = "admin";

    /// <summary>A configured password. When absent the node generates one at first start and stores only its hash.</summary>
    public string? Password { get; set; }

    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Failed logins per client address answered at once; after them each attempt waits 1, 2, 4… s (see <see cref="LoginThrottle"/>).</summary>
    public int MaxFailedLogins { get; set; } = 5;

    /// <summary>An address's failed logins are forgotten after this long without another.</summary>
    public TimeSpan FailedLoginWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The longest wait between attempts from one address.</summary>
    public TimeSpan MaxLoginDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Failed logins an hour from all addresses together, beyond which other machines' new browsers wait.</summary>
    public int MaxFailedLoginsPerHour { get; set; } = 100;
}
