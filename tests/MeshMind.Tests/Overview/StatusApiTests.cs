using System.Net;
using System.Text.Json;
using MeshMind.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace MeshMind.Tests.Overview;

public sealed class StatusApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Status_LoggedIn_HasSeedFieldsAndNodeFacts()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var node = await TestNode.StartAsync(time: time);
        using var client = await node.CreateLoggedInClientAsync();
        time.Advance(TimeSpan.FromSeconds(42));

        var status = await (await client.GetAsync("/api/status", Ct)).JsonAsync();

        Assert.Equal(JsonValueKind.False, status.GetProperty("is_llm_host").ValueKind);
        Assert.Equal(0, status.GetProperty("peer_count").GetInt32());
        Assert.Matches("^[0-9a-f]{64}$", status.GetProperty("node_id").GetString());
        Assert.Equal("test-node", status.GetProperty("name").GetString());
        Assert.Matches(@"^\d+\.\d+\.\d+", status.GetProperty("version").GetString());
        Assert.Equal(42, status.GetProperty("uptime_s").GetInt64());
    }

    [Fact]
    public async Task NodeId_StableAcrossRestarts_AndIsHashOfCertificate()
    {
        using var dir = new TempDirectory();
        var dataDir = dir.Combine("data");
        string firstId;
        await using (var first = await TestNode.StartAsync(dataDir: dataDir))
        {
            using var client = await first.CreateLoggedInClientAsync();
            firstId = (await (await client.GetAsync("/api/status", Ct)).JsonAsync()).GetProperty("node_id").GetString()!;
        }

        await using var second = await TestNode.StartAsync(dataDir: dataDir);
        using var again = await second.CreateLoggedInClientAsync();
        var secondId = (await (await again.GetAsync("/api/status", Ct)).JsonAsync()).GetProperty("node_id").GetString();

        Assert.Equal(firstId, secondId);
        using var certificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12FromFile(
            Path.Combine(dataDir, "node.pfx"), null);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(certificate.RawData)), firstId);
        using var key = System.Security.Cryptography.X509Certificates.ECDsaCertificateExtensions.GetECDsaPublicKey(certificate);
        Assert.Equal(256, key?.KeySize);
    }

    [Fact]
    public async Task Healthz_Anonymous_200()
    {
        await using var node = await TestNode.StartAsync();
        using var client = node.CreateClient();

        var response = await client.GetAsync("/healthz", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", (await response.JsonAsync()).GetProperty("status").GetString());
    }
}
