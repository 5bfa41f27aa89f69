using MeshMind.Infrastructure;
using Microsoft.Extensions.Options;

namespace MeshMind.Auth;

internal sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public const int MinimumPasswordLength = 8;

    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var errors = new ValidationErrors();
        errors.Text("Auth:Username", options.Username, 64, required: true);
        if (options.Password is { Length: > 0 } password && string.IsNullOrWhiteSpace(password))
        {
            errors.Add("Auth:Password", $"is only whitespace; set a real password (at least {MinimumPasswordLength} characters), or remove the setting to have one generated");
        }
        else if (options.Password is { Length: < MinimumPasswordLength })
        {
            errors.Add("Auth:Password", $"is shorter than {MinimumPasswordLength} characters");
        }

        errors.Range("Auth:SessionLifetime", options.SessionLifetime, TimeSpan.FromMinutes(5), TimeSpan.FromDays(30));
        if (options.MaxFailedLogins is < 1 or > 1000)
        {
            errors.Add("Auth:MaxFailedLogins", $"{options.MaxFailedLogins} is outside 1..1000");
        }

        errors.Range("Auth:FailedLoginWindow", options.FailedLoginWindow, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        errors.Range("Auth:MaxLoginDelay", options.MaxLoginDelay, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        if (options.MaxFailedLoginsPerHour is < 1 or > 100_000)
        {
            errors.Add("Auth:MaxFailedLoginsPerHour", $"{options.MaxFailedLoginsPerHour} is outside 1..100000");
        }

        return errors.Result();
    }
}
