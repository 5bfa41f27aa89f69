using System.Text;
using MeshMind.Infrastructure;

namespace MeshMind.Mesh.Admission;

/// <summary><c>p2p_secret.txt</c>: one secret a line, the current one first, then the previous ones still accepted.</summary>
internal static class MeshSecretFile
{
    /// <summary>The secrets in the file, read as the configuration reads them (lines trimmed, empty ones skipped).</summary>
    public static IReadOnlyList<string> Read(string path) =>
        File.ReadAllText(path).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Replaces the file, whole or not at all, readable by this account only.</summary>
    public static void Write(string path, IReadOnlyList<string> secrets) =>
        SecureFile.WriteAllBytes(path, Encoding.UTF8.GetBytes(string.Join('\n', secrets) + "\n"));

    /// <summary>
    /// The file a node with <paramref name="options"/> reads its secrets from and can write new ones to: the one the configuration
    /// read them from while it still holds exactly them, or the data directory's when no secret is configured (the node makes
    /// one). Null when they come from somewhere a node does not write; <paramref name="reason"/> then says so.
    /// </summary>
    public static string? Writable(MeshOptions options, string dataDirectory, out string? reason)
    {
        reason = null;
        if (string.IsNullOrEmpty(options.Secret))
        {
            return Path.Combine(dataDirectory, MeshKeys.SecretFileName);
        }

        if (options.SecretFile is { Length: > 0 } path && File.Exists(path)
            && Read(path).SequenceEqual([options.Secret, .. options.PreviousSecrets], StringComparer.Ordinal))
        {
            return path;
        }

        reason = "this node's mesh secret is set by P2P_HMAC_SECRET, MESHMIND__Mesh__Secret (or __PreviousSecrets), the command line or "
            + "appsettings.json, which the node does not change; put the secret in p2p_secret.txt in the data directory instead, and remove that setting";
        return null;
    }
}
