using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace MeshMind.Infrastructure;

/// <summary>The ports the node actually listens on (configured ports may be 0 = "any free port"); known once the server has started.</summary>
internal sealed class BoundEndpoints(IServer server)
{
    /// <summary>The people-facing HTTP port.</summary>
    public int HttpPort => Port(Uri.UriSchemeHttp);

    /// <summary>The peer-facing mutual-TLS port (the only HTTPS endpoint).</summary>
    public int MeshPort => Port(Uri.UriSchemeHttps);

    private int Port(string scheme)
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        foreach (var address in addresses)
        {
            if (Uri.TryCreate(address, UriKind.Absolute, out var uri) && uri.Scheme == scheme)
            {
                return uri.Port;
            }
        }

        return 0;
    }
}
