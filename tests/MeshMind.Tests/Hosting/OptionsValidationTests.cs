using MeshMind.Auth;
using MeshMind.Discovery;
using MeshMind.Hosting;
using MeshMind.Llm;
using MeshMind.Mesh;
using MeshMind.Mesh.Peers;
using MeshMind.Web;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MeshMind.Tests.Hosting;

public sealed class OptionsValidationTests
{
    private static ServiceProvider Services(Dictionary<string, string?> values) =>
        new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(values).Build())
            .AddAllOptions()
            .BuildServiceProvider();

    private static OptionsValidationException Fails<T>(Dictionary<string, string?> values) where T : class
    {
        using var services = Services(values);
        return Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<T>>().Value);
    }

    [Fact]
    public void Defaults_AreValid()
    {
        using var services = Services([]);

        Assert.Equal(8080, services.GetRequiredService<IOptions<HttpOptions>>().Value.Port);
        Assert.Equal(7878, services.GetRequiredService<IOptions<MeshOptions>>().Value.Port);
        Assert.Equal(5000, services.GetRequiredService<IOptions<DiscoveryOptions>>().Value.Port);
        Assert.Equal("lan", services.GetRequiredService<IOptions<DiscoveryOptions>>().Value.Mode);
        Assert.Equal("http://127.0.0.1:11434", services.GetRequiredService<IOptions<LlmOptions>>().Value.OllamaUrl);
        Assert.Equal(TimeSpan.FromHours(24), services.GetRequiredService<IOptions<AuthOptions>>().Value.SessionLifetime);
    }

    [Fact]
    public void HttpPort_OutOfRange_MessageNamesSettingFlagAndVariable()
    {
        var error = Fails<HttpOptions>(new() { ["Http:Port"] = "70000" });

        var message = Assert.Single(error.Failures);
        Assert.Contains("Http:Port", message, StringComparison.Ordinal);
        Assert.Contains("70000", message, StringComparison.Ordinal);
        Assert.Contains("--http-port", message, StringComparison.Ordinal);
        Assert.Contains("MESHMIND__Http__Port", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Discovery:Mode", "multicast", "--discovery")]
    [InlineData("Discovery:Port", "0", "--discovery-port")]
    public void Discovery_BadValue_Rejected(string key, string value, string flag)
    {
        var error = Fails<DiscoveryOptions>(new() { [key] = value });

        Assert.Contains(error.Failures, f => f.Contains(key, StringComparison.Ordinal) && f.Contains(flag, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Mesh:Secret", "too-short")]
    [InlineData("Mesh:Peers:0", "no-port")]
    [InlineData("Mesh:Peers:0", "host:99999")]
    [InlineData("Mesh:Port", "8080")]
    [InlineData("Mesh:HandshakeTimeout", "00:02:00")]
    [InlineData("Mesh:MaxUnauthenticatedConnections", "8")] // fewer than the 16 one address may hold
    [InlineData("Mesh:MaxLinks", "-1")]
    public void Mesh_BadValue_Rejected(string key, string value)
    {
        var error = Fails<MeshOptions>(new() { [key] = value });

        Assert.Contains(error.Failures, f => f.StartsWith(key.Split(':')[0] + ":" + key.Split(':')[1], StringComparison.Ordinal));
    }

    [Fact]
    public void MeshSecret_TooShort_MessageNamesSeedVariable()
    {
        var error = Fails<MeshOptions>(new() { ["Mesh:Secret"] = "short" });

        Assert.Contains(error.Failures, f => f.Contains("P2P_HMAC_SECRET", StringComparison.Ordinal));
        Assert.DoesNotContain(error.Failures, f => f.Contains("short'", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Mesh:Secret", "     ")]
    [InlineData("Mesh:Secret", "                        ")] // long enough, but no secret at all
    [InlineData("Mesh:Secret", "\t \t \t \t \t \t \t \t \t ")]
    [InlineData("Mesh:PreviousSecrets:0", "                        ")]
    public void MeshSecret_OnlyWhitespace_RefusedNamingTheSetting(string key, string value)
    {
        var error = Fails<MeshOptions>(new() { ["Mesh:Secret"] = "a-real-current-secret-0123", [key] = value });

        var setting = key.StartsWith("Mesh:PreviousSecrets", StringComparison.Ordinal) ? "Mesh:PreviousSecrets" : "Mesh:Secret";
        Assert.Contains(error.Failures, f => f.StartsWith(setting, StringComparison.Ordinal) && f.Contains("whitespace", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("   ")]
    [InlineData("                ")] // long enough, but no password at all
    public void AuthPassword_OnlyWhitespace_RefusedNamingTheSetting(string value)
    {
        var error = Fails<AuthOptions>(new() { ["Auth:Password"] = value });

        Assert.Contains(error.Failures, f => f.StartsWith("Auth:Password", StringComparison.Ordinal) && f.Contains("whitespace", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Files:MaxUploadBytes", "0")]
    [InlineData("Files:ReplicaQuotaBytes", "-1")]
    public void Files_BadValue_Rejected(string key, string value)
    {
        var error = Fails<MeshMind.Files.FileOptions>(new() { [key] = value });

        Assert.Contains(error.Failures, f => f.StartsWith(key, StringComparison.Ordinal));
    }

    [Fact]
    public void OllamaUrl_NotHttp_Rejected()
    {
        var error = Fails<LlmOptions>(new() { ["Llm:OllamaUrl"] = "ftp://host" });

        Assert.Contains(error.Failures, f => f.Contains("--ollama-url", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Auth:Password", "1234567")]
    [InlineData("Auth:Username", "")]
    [InlineData("Auth:MaxFailedLogins", "0")]
    [InlineData("Auth:SessionLifetime", "00:00:10")]
    public void Auth_BadValue_Rejected(string key, string value)
    {
        var error = Fails<AuthOptions>(new() { [key] = value });

        Assert.Contains(error.Failures, f => f.StartsWith(key, StringComparison.Ordinal));
    }

    [Fact]
    public void HttpBindAddress_NotAnAddress_Rejected()
    {
        var error = Fails<HttpOptions>(new() { ["Http:BindAddress"] = "everywhere" });

        Assert.Contains(error.Failures, f => f.Contains("--http-bind", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("10.0.0.5:7878", "10.0.0.5", 7878)]
    [InlineData("node-b.local:7000", "node-b.local", 7000)]
    [InlineData("[fe80::1]:7878", "fe80::1", 7878)]
    public void PeerAddress_Valid_Parsed(string text, string host, int port)
    {
        Assert.True(PeerAddress.TryParse(text, out var peer));
        Assert.Equal(host, peer.Host);
        Assert.Equal(port, peer.Port);
    }

    [Theory]
    [InlineData("")]
    [InlineData("host")]
    [InlineData(":7878")]
    [InlineData("host:0")]
    [InlineData("fe80::1:7878")]
    [InlineData("http://host:7878")]
    public void PeerAddress_Invalid_Rejected(string text) => Assert.False(PeerAddress.TryParse(text, out _));
}
