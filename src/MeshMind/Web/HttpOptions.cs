namespace MeshMind.Web;

/// <summary>The people-facing HTTP endpoint (configuration section <c>Http</c>).</summary>
internal sealed class HttpOptions
{
    public const string Section = "Http";

    /// <summary>TCP port for the UI and APIs; 0 picks a free port (tests).</summary>
    public int Port { get; set; } = 8080;

    /// <summary>Address to bind; <c>0.0.0.0</c> for every IPv4 interface, <c>127.0.0.1</c> for this machine only.</summary>
    public string BindAddress { get; set; } = "0.0.0.0";

    /// <summary>Extra origins (e.g. <c>https://meshmind.example</c> behind a reverse proxy) allowed to send cookie-authenticated writes.</summary>
    public List<string> AllowedOrigins { get; set; } = [];

    /// <summary>
    /// Extra host names (or <c>*.domain</c>, or <c>*</c> for any) that requests may carry in <c>Host</c>, beyond the names the node
    /// knows as its own (see <see cref="HostAllowlist"/>): the name of a reverse proxy, a DNS name of the machine, a forwarded address.
    /// </summary>
    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>Largest request body accepted by endpoints that do not set their own limit.</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;
}
