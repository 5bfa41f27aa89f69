using MeshMind.Infrastructure;
using Microsoft.Extensions.Options;

namespace MeshMind.Discovery;

internal sealed class DiscoveryOptionsValidator : IValidateOptions<DiscoveryOptions>
{
    public ValidateOptionsResult Validate(string? name, DiscoveryOptions options)
    {
        var errors = new ValidationErrors();
        if (!DiscoveryOptions.Modes.Contains(options.Mode, StringComparer.OrdinalIgnoreCase))
        {
            errors.Add("Discovery:Mode", $"'{options.Mode}' is not one of {string.Join(", ", DiscoveryOptions.Modes)}");
        }

        errors.Port("Discovery:Port", options.Port, minimum: 1);
        errors.Range("Discovery:Interval", options.Interval, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1));
        foreach (var target in options.Targets)
        {
            if (!System.Net.IPEndPoint.TryParse(target, out _))
            {
                errors.Add("Discovery:Targets", $"'{target}' is not IP or IP:PORT");
            }
        }

        if (options.MaxAnnouncementsPerSecondPerNode is < 1 or > 10_000)
        {
            errors.Add("Discovery:MaxAnnouncementsPerSecondPerNode", $"{options.MaxAnnouncementsPerSecondPerNode} is outside 1..10000");
        }
        return errors.Result();
    }
}
