using MeshMind.Mesh.Admission;

namespace MeshMind.Tests.Mesh;

public sealed class JoinProofTests
{
    private static readonly byte[] s_key = MeshKeys.Derive("join-proof-secret-0123456789").Join;
    private static readonly byte[] s_otherKey = MeshKeys.Derive("other-proof-secret-0123456789").Join;
    private const string Client = "1111111111111111111111111111111111111111111111111111111111111111";
    private const string Server = "2222222222222222222222222222222222222222222222222222222222222222";
    private const string Mitm = "3333333333333333333333333333333333333333333333333333333333333333";

    [Fact]
    public void ClientProof_SameInputs_Matches()
    {
        var proof = JoinProof.Client(s_key, "n1", 1000, Client, Server);

        Assert.True(JoinProof.Matches(JoinProof.Client(s_key, "n1", 1000, Client, Server), proof));
        Assert.Equal(64, proof.Length);
    }

    [Fact]
    public void ClientProof_WrongSecret_Refused() =>
        Assert.False(JoinProof.Matches(JoinProof.Client(s_key, "n1", 1000, Client, Server), JoinProof.Client(s_otherKey, "n1", 1000, Client, Server)));

    [Fact]
    public void ServerProofReflectedAsClientProof_Refused()
    {
        // An attacker replaying the server's answer as its own request: role labels make the MACs differ.
        var serverProof = JoinProof.Server(s_key, "n1", "1000", Client, Server);

        Assert.False(JoinProof.Matches(JoinProof.Client(s_key, "n1", 1000, Client, Server), serverProof));
    }

    [Fact]
    public void RelayingManInTheMiddle_CertificateMismatch_Refused()
    {
        // The client talked TLS to the relay, so its proof binds the relay's certificate; the real server checks its own.
        var proofSeenByRelay = JoinProof.Client(s_key, "n1", 1000, Client, Mitm);

        Assert.False(JoinProof.Matches(JoinProof.Client(s_key, "n1", 1000, Client, Server), proofSeenByRelay));
        Assert.False(JoinProof.Matches(JoinProof.Client(s_key, "n1", 1000, Mitm, Server), JoinProof.Client(s_key, "n1", 1000, Client, Server)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("abc")]
    public void Matches_MissingOrShort_False(string? presented) =>
        Assert.False(JoinProof.Matches(JoinProof.Client(s_key, "n", 1, Client, Server), presented));

    [Fact]
    public void Nonces_AreRandomHex() => Assert.NotEqual(JoinProof.NewNonce(), JoinProof.NewNonce());
}
