using MeshMind.Infrastructure;
using Microsoft.Extensions.Options;

namespace MeshMind.Node;

/// <summary>The node's data directory (default <c>./meshmind-data</c>), created owner-only on first use.</summary>
internal sealed class DataDirectory
{
    public DataDirectory(IOptions<NodeOptions> options)
    {
        Root = options.Value.FullDataDir;
        SecureFile.CreateOwnerOnlyDirectory(Root);
    }

    public string Root { get; }

    public string PathOf(string name) => Path.Combine(Root, name);
}
