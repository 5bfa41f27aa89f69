using System.Buffers;
using System.Net;
using System.Text;
using MeshMind.Mesh.Admission;
using MeshMind.Node;
using MeshMind.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace MeshMind.Tests.Mesh;

/// <summary>The frames of the proof that opens every mesh connection, and the server's judgement of a hello.</summary>
public sealed class ConnectionProofTests
{
    private const string Secret = "connection-proof-secret-0123456789";
    private const string Client = "1111111111111111111111111111111111111111111111111111111111111111";
    private const string Server = "2222222222222222222222222222222222222222222222222222222222222222";
    private static readonly byte[] s_key = MeshKeys.Derive(Secret).Join;
    private static readonly byte[] s_nonce = [.. Enumerable.Range(1, ConnectionProof.NonceLength).Select(i => (byte)i)];

    private static byte[] Hello(long timestamp = 1_700_000_000, int proofs = 2) =>
        ConnectionProof.Hello(s_nonce, timestamp, [.. Enumerable.Range(0, proofs).Select(i => Enumerable.Repeat((byte)i, ConnectionProof.MacLength).ToArray())]);

    [Fact]
    public void TryParseHello_ArrivingByteByByte_IncompleteUntilWhole_ThenLeavesWhatFollows()
    {
        var frame = Hello();
        var stream = frame.Concat("PRI * HTTP/2.0"u8.ToArray()).ToArray();

        for (var length = 0; length < frame.Length; length++)
        {
            var partial = new ReadOnlySequence<byte>(stream, 0, length);
            Assert.False(ConnectionProof.TryParseHello(ref partial, out _));
            Assert.Equal(length, partial.Length);
        }

        var whole = new ReadOnlySequence<byte>(stream);
        Assert.True(ConnectionProof.TryParseHello(ref whole, out var hello));
        Assert.Equal("PRI * HTTP/2.0", Encoding.ASCII.GetString(whole.ToArray()));
        Assert.Equal(s_nonce, hello.Nonce);
        Assert.Equal(1_700_000_000, hello.Timestamp);
        Assert.Equal(2, hello.Proofs.Length);
        Assert.All(hello.Proofs[1], b => Assert.Equal(1, b));
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\n\r\n")]
    [InlineData("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")]
    public void TryParseHello_HttpInsteadOfAProof_Refused(string opening)
    {
        var buffer = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(opening));

        Assert.Throws<InvalidDataException>(() => ConnectionProof.TryParseHello(ref buffer, out _));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(9)]
    [InlineData(255)]
    public void TryParseHello_ProofCountOutside1To8_Refused(byte count)
    {
        var frame = Hello(proofs: 1);
        frame[4 + ConnectionProof.NonceLength + 8] = count;
        var buffer = new ReadOnlySequence<byte>(frame.Concat(new byte[ConnectionProof.MacLength * 8]).ToArray());

        Assert.Throws<InvalidDataException>(() => ConnectionProof.TryParseHello(ref buffer, out _));
    }

    [Fact]
    public void Answers_AcceptedAndRefused_ParseBack_AndAnythingElseIsNotAnAnswer()
    {
        Assert.Equal(ConnectionProofStatus.Revoked, ConnectionProof.ParseAnswerHeader(ConnectionProof.Refusal(ConnectionProofStatus.Revoked)));
        var accepted = ConnectionProof.Accepted(s_nonce, new byte[ConnectionProof.MacLength]);
        Assert.Equal(ConnectionProof.AcceptedAnswerLength, accepted.Length);
        Assert.Equal(ConnectionProofStatus.Accepted, ConnectionProof.ParseAnswerHeader(accepted.AsSpan(0, ConnectionProof.AnswerHeaderLength)));
        Assert.Throws<InvalidDataException>(() => ConnectionProof.ParseAnswerHeader("HTTP/"u8));
    }

    [Fact]
    public void ConnectionProofs_RoleLabelled_AndDistinctFromTheJoinProof()
    {
        var client = JoinProof.ConnectionClient(s_key, s_nonce, 1000, Client, Server);

        Assert.False(JoinProof.Matches(JoinProof.ConnectionServer(s_key, s_nonce, s_nonce, Client, Server), client));
        Assert.NotEqual(JoinProof.Client(s_key, Convert.ToHexStringLower(s_nonce), 1000, Client, Server), Convert.ToHexStringLower(client));
        Assert.False(JoinProof.Matches(JoinProof.ConnectionClient(s_key, s_nonce, 1000, Server, Client), client));
        Assert.True(JoinProof.Matches(JoinProof.ConnectionClient(s_key, s_nonce, 1000, Client, Server), client));
    }

    [Fact]
    public async Task AnswerConnection_JudgesSecretClockReplayAndRevocation()
    {
        await using var server = await TestNode.StartAsync(environment: new() { ["P2P_HMAC_SECRET"] = Secret },
            commandLine: new() { ["Mesh:PreviousSecrets:0"] = "previous-proof-secret-0123456789" });
        await using var client = await TestNode.StartAsync(environment: new() { ["P2P_HMAC_SECRET"] = Secret });
        var admitter = server.App.Services.GetRequiredService<Admitter>();
        var serverId = server.App.Services.GetRequiredService<NodeInfo>().NodeId;
        var certificate = client.App.Services.GetRequiredService<NodeIdentity>().Certificate;
        var clientId = NodeIdentity.ComputeNodeId(certificate);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        ConnectionHello HelloUnder(long timestamp, params string[] secrets)
        {
            var nonce = System.Security.Cryptography.RandomNumberGenerator.GetBytes(ConnectionProof.NonceLength);
            return new(nonce, timestamp, [.. secrets.Select(s => JoinProof.ConnectionClient(MeshKeys.Derive(s).Join, nonce, timestamp, clientId, serverId))]);
        }

        ConnectionProofStatus Judge(ConnectionHello hello) =>
            ConnectionProof.ParseAnswerHeader(admitter.AnswerConnection(hello, certificate, IPAddress.Loopback).Answer.AsSpan(0, ConnectionProof.AnswerHeaderLength));

        var fresh = HelloUnder(now, "some-other-secret-0123456789", Secret);
        Assert.Equal(ConnectionProofStatus.Accepted, Judge(fresh));
        Assert.Equal(ConnectionProofStatus.Replayed, Judge(fresh));
        Assert.Equal(ConnectionProofStatus.Accepted, Judge(HelloUnder(now, "previous-proof-secret-0123456789")));
        Assert.Equal(ConnectionProofStatus.NotThisMesh, Judge(HelloUnder(now, "some-other-secret-0123456789")));
        Assert.Equal(ConnectionProofStatus.ClockSkew, Judge(HelloUnder(now - 120, Secret)));
        Assert.Equal(ConnectionProofStatus.NoCertificate,
            ConnectionProof.ParseAnswerHeader(admitter.AnswerConnection(HelloUnder(now, Secret), null, IPAddress.Loopback).Answer));

        using var person = await server.CreateLoggedInClientAsync();
        server.App.Services.GetRequiredService<MeshMind.Mesh.Peers.PeerDirectory>().Admit(clientId, "client", IPAddress.Loopback);
        Assert.Equal(HttpStatusCode.NoContent, (await person.PostAsync($"/api/peers/{clientId}/revoke", null, TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(ConnectionProofStatus.Revoked, Judge(HelloUnder(now, Secret)));
    }
}
