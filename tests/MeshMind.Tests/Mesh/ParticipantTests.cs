using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Serialization;
using MeshMind.Infrastructure;
using MeshMind.Mesh;
using MeshMind.Mesh.Links;
using MeshMind.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace MeshMind.Tests.Mesh;

/// <summary>A feature joins the mesh through <see cref="IMeshParticipant"/> alone: its own message type, link-up and link-down.</summary>
public sealed class ParticipantTests
{
    private const string Secret = "participant-test-secret-0123456789";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AParticipantsOwnMessage_SentOnLinkUp_ReachesOnlyItsOwner_AndLinkDownIsTold()
    {
        await using var a = await StartAsync("a");
        await using var b = await StartAsync("b", a);
        var onA = a.App.Services.GetRequiredService<EchoParticipant>();
        var onB = b.App.Services.GetRequiredService<EchoParticipant>();
        var idA = a.App.Services.GetRequiredService<MeshMind.Node.NodeInfo>().NodeId;
        var idB = b.App.Services.GetRequiredService<MeshMind.Node.NodeInfo>().NodeId;

        await Wait.UntilAsync(() => onA.Heard.ContainsKey(idB) && onB.Heard.ContainsKey(idA), TimeSpan.FromSeconds(20), "each side to hear the other's echo");
        Assert.Equal("echo from b", onA.Heard[idB]);
        Assert.Equal("echo from a", onB.Heard[idA]);
        Assert.Equal([idB], onA.Up);

        await b.DisposeAsync();
        await Wait.UntilAsync(() => onA.Down.Contains(idB), TimeSpan.FromSeconds(20), "a to be told its link to b went down");
    }

    private static Task<TestNode> StartAsync(string name, TestNode? peer = null)
    {
        var flags = new Dictionary<string, string?> { ["Node:Name"] = name, ["Mesh:PingInterval"] = "00:00:00.200" };
        if (peer is not null)
        {
            flags["Mesh:Peers:0"] = "127.0.0.1:" + peer.App.Services.GetRequiredService<BoundEndpoints>().MeshPort.ToString(CultureInfo.InvariantCulture);
        }

        return TestNode.StartAsync(environment: new() { ["P2P_HMAC_SECRET"] = Secret }, commandLine: flags,
            services: services => services.AddMeshParticipant<EchoParticipant>(LinkMessageType.Of<EchoMessage>("test_echo", EchoJsonContext.Default)));
    }
}

internal sealed record EchoMessage(string Text) : LinkMessage;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(EchoMessage))]
internal sealed partial class EchoJsonContext : JsonSerializerContext;

/// <summary>Sends one echo when a link comes up and records what it hears; any message it is handed must be its own.</summary>
internal sealed class EchoParticipant(MeshLinks links, MeshMind.Node.NodeInfo node) : IMeshParticipant
{
    public ConcurrentDictionary<string, string> Heard { get; } = new();

    public ConcurrentBag<string> Up { get; } = [];

    public ConcurrentBag<string> Down { get; } = [];

    public void LinkUp(string nodeId)
    {
        Up.Add(nodeId);
        links.Send(nodeId, new EchoMessage("echo from " + node.Name));
    }

    public void Received(string nodeId, LinkMessage message) => Heard[nodeId] = Assert.IsType<EchoMessage>(message).Text;

    public void LinkDown(string nodeId) => Down.Add(nodeId);
}
