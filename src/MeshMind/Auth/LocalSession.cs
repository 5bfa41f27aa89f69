using MeshMind.Node;

namespace MeshMind.Auth;

/// <summary>
/// A login of a few minutes for a command run beside the node (<c>meshmind doctor</c>) by someone who can read the node's data
/// directory: a session token signed with its <c>session.key</c>. That person could read the database and the key anyway, as
/// <c>meshmind password</c> already relies on; anyone else needs an API key.
/// </summary>
internal static class LocalSession
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    /// <summary>The cookie (name and value) that logs the command in, or why there is none.</summary>
    public static (string? CookieName, string? Token, string? Error) Create(string dataDirectory, string username, TimeProvider time)
    {
        var keyPath = Path.Combine(dataDirectory, SessionTokens.KeyFileName);
        var identityPath = Path.Combine(dataDirectory, NodeIdentity.FileName);
        if (!File.Exists(keyPath) || !File.Exists(identityPath))
        {
            return (null, null,
                $"{dataDirectory} is not the data directory of a node that has run (it has no {SessionTokens.KeyFileName}); name the node's with --data-dir DIR, or give an API key with --api-key KEY");
        }

        try
        {
            var nodeId = NodeIdentity.ReadNodeId(identityPath);
            var token = SessionTokens.CreateToken(File.ReadAllBytes(keyPath), nodeId, username, time.GetUtcNow(), Lifetime);
            return (SessionTokens.CookieNameFor(nodeId), token, null);
        }
        catch (UnauthorizedAccessException)
        {
            return (null, null,
                $"cannot read {keyPath}: run this as the node's own user (for a service: sudo -u meshmind meshmind doctor --data-dir {dataDirectory}), or give an API key with --api-key KEY");
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
            return (null, null, $"cannot read the node's login key in {dataDirectory} ({ex.Message}); give an API key with --api-key KEY");
        }
    }
}
