using System.Net;
using System.Net.Http.Json;
using MeshMind.Llm;
using MeshMind.Node;
using MeshMind.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MeshMind.Tests.Preferences;

/// <summary><c>/api/settings</c>: saved in the data directory, used at the next start, and honest about restarts and flags that win.</summary>
public sealed class SettingsApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Put_SavesForTheNextStart_SaysRestartNeeded_AndAFlagWins()
    {
        using var dir = new TempDirectory();
        var dataDir = dir.Combine("node");
        await using (var node = await TestNode.StartAsync(dataDir: dataDir))
        {
            using var client = await node.CreateLoggedInClientAsync();
            var before = await (await client.GetAsync("/api/settings", Ct)).JsonAsync();
            Assert.Equal("", before.GetProperty("default_model").GetProperty("current").GetString());
            Assert.False(before.GetProperty("restart_needed").GetBoolean());

            var response = await client.PutAsJsonAsync("/api/settings", new { default_model = "llama3:8b", name = "renamed" }, Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var after = await response.JsonAsync();
            var model = after.GetProperty("default_model");
            Assert.Equal("", model.GetProperty("current").GetString());
            Assert.Equal("llama3:8b", model.GetProperty("saved").GetString());
            Assert.True(model.GetProperty("restart_needed").GetBoolean());
            Assert.True(after.GetProperty("restart_needed").GetBoolean());
            // The test node's name comes from a flag, which wins: saving another one needs no restart, it would not take.
            var name = after.GetProperty("name");
            Assert.Equal("--name or MESHMIND__Node__Name", name.GetProperty("set_elsewhere").GetString());
            Assert.False(name.GetProperty("restart_needed").GetBoolean());
            Assert.Equal(Path.Combine(dataDir, "settings.json"), after.GetProperty("file").GetString());
        }

        await using var restarted = await TestNode.StartAsync(dataDir: dataDir);
        Assert.Equal("llama3:8b", restarted.App.Services.GetRequiredService<IOptions<LlmOptions>>().Value.DefaultModel);
        Assert.Equal("test-node", restarted.App.Services.GetRequiredService<NodeInfo>().Name);
        using var again = await restarted.CreateLoggedInClientAsync();
        var settings = await (await again.GetAsync("/api/settings", Ct)).JsonAsync();
        Assert.False(settings.GetProperty("default_model").GetProperty("restart_needed").GetBoolean());
        Assert.False(settings.GetProperty("restart_needed").GetBoolean());
    }

    [Theory]
    [InlineData("{\"discovery_mode\": \"carrier-pigeon\"}", "discovery_mode: 'carrier-pigeon' is not one of lan, loopback, off")]
    [InlineData("{\"name\": \"  \"}", "name: give this node a name of 1 to 64 printable characters")]
    [InlineData("{\"default_model\": \"two words\"}", "default_model: a model name has at most 200 characters and no spaces")]
    public async Task Put_Invalid_400NamesTheField_SavesNothing(string body, string error)
    {
        await using var node = await TestNode.StartAsync();
        using var client = await node.CreateLoggedInClientAsync();

        var response = await client.PutAsync("/api/settings", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith(error, (await response.JsonAsync()).GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(node.DataDir, "settings.json")));
    }
}
