using System.Reflection;
using Microsoft.Extensions.Options;

namespace MeshMind.Node;

/// <summary>Facts about this running node that several features report: name, id, version, uptime.</summary>
internal sealed class NodeInfo(NodeIdentity identity, IOptions<NodeOptions> options, TimeProvider time)
{
    private readonly long _started = time.GetTimestamp();

    public static string Version { get; } = ReadVersion();

    public string NodeId => identity.NodeId;

    public string InstanceId => identity.InstanceId;

    public string Name { get; } = options.Value.EffectiveName;

    public TimeSpan Uptime => time.GetElapsedTime(_started);

    private static string ReadVersion()
    {
        var informational = typeof(NodeInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? informational : informational[..plus];
    }
}
