using MeshMind.Hosting;
using Microsoft.Extensions.Options;

namespace MeshMind.Discovery;

public sealed class DiscoveryOptionsValidator : IValidateOptions<DiscoveryOptions>
{
    public ValidateOptionsResult Validate(string? name, DiscoveryOptions options)
    {
        var errors = new ValidationErrors();
        if (!DiscoveryOptions.Modes.Contains(options.Mode, StringComparer.OrdinalIgnoreCase))
        {
            errors.Add("Discovery:Mode", $"'{options.Mode}' is not one of {string.Join(", ", DiscoveryOptions.Modes)}");
        }

        errors.Port("Discovery:Port", options.Port, minimum: 1);
        return errors.Result();
    }
}
