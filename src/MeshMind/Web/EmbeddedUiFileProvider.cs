using System.Reflection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.FileProviders.Embedded;
using Microsoft.Extensions.Primitives;

namespace MeshMind.Web;

/// <summary>
/// The built UI, embedded in the assembly as resources named <c>wwwroot/&lt;path&gt;</c> (see MeshMind.csproj).
/// </summary>
/// <remarks>
/// Replaces <see cref="ManifestEmbeddedFileProvider"/>, whose XML manifest costs System.Private.Xml at every start
/// (about 3 MB resident and start-up time) for directory listings the node never serves.
/// </remarks>
internal sealed class EmbeddedUiFileProvider : IFileProvider
{
    private const string Prefix = "wwwroot/";
    private readonly Assembly _assembly;
    private readonly Dictionary<string, string> _resources = new(StringComparer.Ordinal);
    private readonly DateTimeOffset _lastModified;

    public EmbeddedUiFileProvider(Assembly assembly, TimeProvider time)
    {
        _assembly = assembly;
        // Assets carry content hashes in their names; index.html is served no-cache, so start time is a fine Last-Modified.
        _lastModified = DateTimeOffset.FromUnixTimeSeconds(time.GetUtcNow().ToUnixTimeSeconds());
        foreach (var name in assembly.GetManifestResourceNames())
        {
            // RecursiveDir uses the build machine's separator; normalise so a Windows build serves the same paths.
            var path = name.Replace('\\', '/');
            if (path.StartsWith(Prefix, StringComparison.Ordinal))
            {
                _resources[path[Prefix.Length..]] = name;
            }
        }
    }

    public bool IsEmpty => _resources.Count == 0;

    public IFileInfo GetFileInfo(string subpath)
    {
        var path = subpath.TrimStart('/');
        return _resources.TryGetValue(path, out var resource)
            ? new EmbeddedResourceFileInfo(_assembly, resource, Path.GetFileName(path), _lastModified)
            : new NotFoundFileInfo(subpath);
    }

    public IDirectoryContents GetDirectoryContents(string subpath) => NotFoundDirectoryContents.Singleton;

    public IChangeToken Watch(string filter) => NullChangeToken.Singleton;
}
