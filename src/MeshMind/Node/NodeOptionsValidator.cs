using MeshMind.Infrastructure;
using Microsoft.Extensions.Options;

namespace MeshMind.Node;

internal sealed class NodeOptionsValidator : IValidateOptions<NodeOptions>
{
    public const int MaxNameLength = 64;

    public ValidateOptionsResult Validate(string? name, NodeOptions options)
    {
        var errors = new ValidationErrors();
        errors.Text("Node:Name", options.Name, MaxNameLength, required: false);
        errors.Text("Node:DataDir", options.DataDir, 4096, required: true);
        return errors.Result();
    }
}
