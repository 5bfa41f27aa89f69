using MeshMind.Infrastructure;
using MeshMind.Mesh;
using MeshMind.Web;
using Microsoft.Extensions.Options;

namespace MeshMind.Hosting;

/// <summary>The one check across features' options: the mesh port and the HTTP port must differ (both may be 0, "any free port").</summary>
internal sealed class PortsValidator(IOptions<HttpOptions> http) : IValidateOptions<MeshOptions>
{
    public ValidateOptionsResult Validate(string? name, MeshOptions options)
    {
        var errors = new ValidationErrors();
        if (options.Port != 0 && options.Port == http.Value.Port)
        {
            errors.Add("Mesh:Port", $"{options.Port} is also the HTTP port; the two need different ports");
        }

        return errors.Result();
    }
}
