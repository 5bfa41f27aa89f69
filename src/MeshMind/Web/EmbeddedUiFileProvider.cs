using System.Buffers.Binary;
using System.IO.Compression;
using System.Reflection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.FileProviders.Embedded;
using Microsoft.Extensions.Primitives;

namespace MeshMind.Web;

/// <summary>
/// The built UI, embedded in the assembly as resources named <c>wwwroot/&lt;path&gt;</c>, text files gzip-compressed as
/// <c>wwwroot/&lt;path&gt;.gz</c> (see MeshMind.csproj).
/// </summary>
/// <remarks>
/// Replaces <see cref="ManifestEmbeddedFileProvider"/>, whose XML manifest costs System.Private.Xml at every start
/// (about 3 MB resident and start-up time) for directory listings the node never serves. <see cref="GetFileInfo"/> gives a
/// compressed file's content as it was built (for the static file middleware and clients that do not accept gzip);
/// <see cref="GetCompressed"/> gives its gzip bytes, which <see cref="WebUi"/> sends as they are to clients that accept them.
/// </remarks>
internal sealed class EmbeddedUiFileProvider : IFileProvider
{
    private const string Prefix = "wwwroot/";
    private const string Gzip = ".gz";
    private readonly Assembly _assembly;
    private readonly Dictionary<string, string> _resources = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _compressed = new(StringComparer.Ordinal);
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
            if (!path.StartsWith(Prefix, StringComparison.Ordinal))
            {
                continue;
            }

            path = path[Prefix.Length..];
            if (path.EndsWith(Gzip, StringComparison.Ordinal))
            {
                _compressed[path[..^Gzip.Length]] = name;
            }
            else
            {
                _resources[path] = name;
            }
        }
    }

    public bool IsEmpty => _resources.Count == 0 && _compressed.Count == 0;

    public IFileInfo GetFileInfo(string subpath)
    {
        var path = subpath.TrimStart('/');
        if (_resources.TryGetValue(path, out var resource))
        {
            return new EmbeddedResourceFileInfo(_assembly, resource, Path.GetFileName(path), _lastModified);
        }

        return _compressed.TryGetValue(path, out var compressed)
            ? new DecompressedFileInfo(new EmbeddedResourceFileInfo(_assembly, compressed, Path.GetFileName(path), _lastModified))
            : new NotFoundFileInfo(subpath);
    }

    /// <summary>The gzip bytes of <paramref name="subpath"/> when it is embedded compressed; null otherwise.</summary>
    public IFileInfo? GetCompressed(string subpath) =>
        _compressed.TryGetValue(subpath.TrimStart('/'), out var resource)
            ? new EmbeddedResourceFileInfo(_assembly, resource, Path.GetFileName(resource), _lastModified)
            : null;

    public IDirectoryContents GetDirectoryContents(string subpath) => NotFoundDirectoryContents.Singleton;

    public IChangeToken Watch(string filter) => NullChangeToken.Singleton;

    /// <summary>
    /// A gzip resource as the file it was made from. Its length is the gzip trailer's (the size modulo 2³², ample for a UI
    /// asset); the content is decompressed into memory, so the static file middleware can seek in it for range requests.
    /// </summary>
    private sealed class DecompressedFileInfo(IFileInfo gzip) : IFileInfo
    {
        private readonly Lazy<long> _length = new(() => OriginalLength(gzip));

        public bool Exists => true;

        public long Length => _length.Value;

        public string? PhysicalPath => null;

        public string Name => gzip.Name;

        public DateTimeOffset LastModified => gzip.LastModified;

        public bool IsDirectory => false;

        public Stream CreateReadStream()
        {
            var content = new MemoryStream(checked((int)Length));
            using (var stream = new GZipStream(gzip.CreateReadStream(), CompressionMode.Decompress))
            {
                stream.CopyTo(content);
            }

            content.Position = 0;
            return content;
        }

        private static long OriginalLength(IFileInfo gzip)
        {
            using var stream = gzip.CreateReadStream();
            Span<byte> trailer = stackalloc byte[4];
            stream.Seek(-4, SeekOrigin.End);
            stream.ReadExactly(trailer);
            return BinaryPrimitives.ReadUInt32LittleEndian(trailer);
        }
    }
}
