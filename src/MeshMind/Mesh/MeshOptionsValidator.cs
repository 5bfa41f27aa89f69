using MeshMind.Infrastructure;
using MeshMind.Mesh.Peers;
using Microsoft.Extensions.Options;

namespace MeshMind.Mesh;

internal sealed class MeshOptionsValidator : IValidateOptions<MeshOptions>
{
    public ValidateOptionsResult Validate(string? name, MeshOptions options)
    {
        var errors = new ValidationErrors();
        errors.Port("Mesh:Port", options.Port);
        if (!System.Net.IPAddress.TryParse(options.BindAddress, out _))
        {
            errors.Add("Mesh:BindAddress", $"'{options.BindAddress}' is not an IP address");
        }

        errors.Range("Mesh:PingInterval", options.PingInterval, TimeSpan.FromMilliseconds(50), TimeSpan.FromMinutes(5));
        // At most a minute: the deadline is how long a connection that proves nothing can hold a place (issue 14, finding 11).
        errors.Range("Mesh:HandshakeTimeout", options.HandshakeTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1));
        errors.Range("Mesh:InviteLifetime", options.InviteLifetime, TimeSpan.FromSeconds(1), TimeSpan.FromDays(7));
        errors.Range("Mesh:SecretGracePeriod", options.SecretGracePeriod, TimeSpan.FromSeconds(1), TimeSpan.FromDays(365));
        if (options.MissedPongs is < 1 or > 100)
        {
            errors.Add("Mesh:MissedPongs", $"{options.MissedPongs} is outside 1..100");
        }

        if (options.MaxLinks is < 0 or > 10_000)
        {
            errors.Add("Mesh:MaxLinks", $"{options.MaxLinks} is outside 0..10000 (0: link to every peer)");
        }

        if (options.MaxUnauthenticatedConnectionsPerAddress is < 1 or > 10_000)
        {
            errors.Add("Mesh:MaxUnauthenticatedConnectionsPerAddress", $"{options.MaxUnauthenticatedConnectionsPerAddress} is outside 1..10000");
        }

        if (options.MaxUnauthenticatedConnections < options.MaxUnauthenticatedConnectionsPerAddress || options.MaxUnauthenticatedConnections > 100_000)
        {
            errors.Add("Mesh:MaxUnauthenticatedConnections",
                $"{options.MaxUnauthenticatedConnections} is outside Mesh:MaxUnauthenticatedConnectionsPerAddress ({options.MaxUnauthenticatedConnectionsPerAddress})..100000");
        }

        foreach (var peer in options.Peers)
        {
            if (!PeerAddress.TryParse(peer, out _))
            {
                errors.Add("Mesh:Peers", $"'{peer}' is not HOST:PORT");
            }
        }

        // Whitespace is checked first: a secret of 16 spaces is long enough but no secret at all (issue 14, finding 11).
        if (options.Secret is { Length: > 0 } secret && string.IsNullOrWhiteSpace(secret))
        {
            errors.Add("Mesh:Secret", $"is only whitespace; set the mesh's shared secret (at least {MeshOptions.MinimumSecretLength} characters), or remove the setting to have one generated");
        }
        else if (options.Secret is { Length: < MeshOptions.MinimumSecretLength })
        {
            errors.Add("Mesh:Secret", $"is shorter than {MeshOptions.MinimumSecretLength} characters, too weak to admit peers");
        }

        if (options.PreviousSecrets.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add("Mesh:PreviousSecrets", "one of them is empty or only whitespace; list only real secrets");
        }
        else if (options.PreviousSecrets.Any(p => p.Length < MeshOptions.MinimumSecretLength))
        {
            errors.Add("Mesh:PreviousSecrets", $"every previous secret needs at least {MeshOptions.MinimumSecretLength} characters");
        }

        return errors.Result();
    }
}
