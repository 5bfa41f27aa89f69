using MeshMind.Hosting;
using MeshMind.Web;
using Microsoft.Extensions.Options;

namespace MeshMind.Mesh;

public sealed class MeshOptionsValidator(IOptions<HttpOptions> http) : IValidateOptions<MeshOptions>
{
    public ValidateOptionsResult Validate(string? name, MeshOptions options)
    {
        var errors = new ValidationErrors();
        errors.Port("Mesh:Port", options.Port);
        if (options.Port != 0 && options.Port == http.Value.Port)
        {
            errors.Add("Mesh:Port", $"{options.Port} is also the HTTP port; the two need different ports");
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
