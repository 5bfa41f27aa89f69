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
        errors.Range("Mesh:HandshakeTimeout", options.HandshakeTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5));
        if (options.MissedPongs is < 1 or > 100)
        {
            errors.Add("Mesh:MissedPongs", $"{options.MissedPongs} is outside 1..100");
        }

        if (options.MaxUnauthenticatedConnectionsPerAddress is < 1 or > 10_000)
        {
            errors.Add("Mesh:MaxUnauthenticatedConnectionsPerAddress", $"{options.MaxUnauthenticatedConnectionsPerAddress} is outside 1..10000");
        }

        foreach (var peer in options.Peers)
        {
            if (!PeerAddress.TryParse(peer, out _))
            {
                errors.Add("Mesh:Peers", $"'{peer}' is not HOST:PORT");
            }
        }

        if (options.Secret is { Length: < MeshOptions.MinimumSecretLength })
        {
            errors.Add("Mesh:Secret", $"is shorter than {MeshOptions.MinimumSecretLength} characters, too weak to admit peers");
        }

        if (options.PreviousSecrets.Any(p => p.Length < MeshOptions.MinimumSecretLength))
        {
            errors.Add("Mesh:PreviousSecrets", $"every previous secret needs at least {MeshOptions.MinimumSecretLength} characters");
        }

        return errors.Result();
    }
}
