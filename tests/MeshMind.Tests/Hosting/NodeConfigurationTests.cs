using MeshMind.Hosting;
using MeshMind.Tests.Support;

namespace MeshMind.Tests.Hosting;

public sealed class NodeConfigurationTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private Microsoft.Extensions.Configuration.IConfigurationRoot Build(
        Dictionary<string, string?>? commandLine = null, Dictionary<string, string?>? environment = null) =>
        NodeConfiguration.Build(commandLine ?? [], environment ?? [], _dir.Path, _dir.Combine("bin"));

    [Fact]
    public void Build_AllLayersSet_CommandLineBeatsEnvironmentBeatsAppSettings()
    {
        File.WriteAllText(_dir.Combine("appsettings.json"), """{"Http":{"Port":1111},"Mesh":{"Port":2222},"Discovery":{"Port":3333}}""");
        var config = Build(
            commandLine: new() { ["Http:Port"] = "9999" },
            environment: new() { ["MESHMIND__Http__Port"] = "8888", ["MESHMIND__Mesh__Port"] = "7777" });

        Assert.Equal("9999", config["Http:Port"]);
        Assert.Equal("7777", config["Mesh:Port"]);
        Assert.Equal("3333", config["Discovery:Port"]);
    }

    [Fact]
    public void Build_EnvironmentWithoutPrefix_Ignored()
    {
        var config = Build(environment: new() { ["Http__Port"] = "1234", ["PORT"] = "1" });

        Assert.Null(config["Http:Port"]);
    }

    [Fact]
    public void Build_SeedEnvironmentNames_MapToMeshMindKeys()
    {
        var config = Build(environment: new()
        {
            ["NODE_USERNAME"] = "alice",
            ["NODE_PASSWORD"] = "from-env-password",
            ["P2P_HMAC_SECRET"] = "0123456789abcdef-secret",
        });

        Assert.Equal("alice", config["Auth:Username"]);
        Assert.Equal("from-env-password", config["Auth:Password"]);
        Assert.Equal("0123456789abcdef-secret", config["Mesh:Secret"]);
    }

    [Fact]
    public void Build_SeedFiles_WorkingDirectoryBeatsDataDirectory()
    {
        var dataDir = Directory.CreateDirectory(_dir.Combine("meshmind-data")).FullName;
        File.WriteAllText(Path.Combine(dataDir, "auth_secret.txt"), "data-dir-password\n");
        File.WriteAllText(Path.Combine(dataDir, "auth_user.txt"), "bob\n");
        File.WriteAllText(_dir.Combine("auth_secret.txt"), "working-dir-password\n");

        var config = Build();

        Assert.Equal("working-dir-password", config["Auth:Password"]);
        Assert.Equal("bob", config["Auth:Username"]);
    }

    [Fact]
    public void Build_SeedEnvironmentAndFile_EnvironmentWins_AndMeshMindVariableWinsOverBoth()
    {
        File.WriteAllText(_dir.Combine("p2p_secret.txt"), "file-secret-0123456789");
        var seedOnly = Build(environment: new() { ["P2P_HMAC_SECRET"] = "env-secret-0123456789" });
        var both = Build(environment: new() { ["P2P_HMAC_SECRET"] = "env-secret-0123456789", ["MESHMIND__Mesh__Secret"] = "meshmind-secret-0123456789" });

        Assert.Equal("env-secret-0123456789", seedOnly["Mesh:Secret"]);
        Assert.Equal("meshmind-secret-0123456789", both["Mesh:Secret"]);
    }

    [Fact]
    public void Build_SeedSecretOfOnlySpaces_IsKeptForValidationToRefuse_NotDroppedForAGeneratedOne()
    {
        var fromEnvironment = Build(environment: new() { ["P2P_HMAC_SECRET"] = "     " });
        File.WriteAllText(_dir.Combine("p2p_secret.txt"), "   \n");
        var fromFile = Build();

        Assert.Equal("     ", fromEnvironment["Mesh:Secret"]);
        Assert.False(string.IsNullOrEmpty(fromFile["Mesh:Secret"]));
        Assert.True(string.IsNullOrWhiteSpace(fromFile["Mesh:Secret"]));
    }

    [Fact]
    public void Build_SeedPasswordOfOnlySpaces_IsKeptForValidationToRefuse_NotDroppedForAGeneratedOne()
    {
        var fromEnvironment = Build(environment: new() { ["NODE_PASSWORD"] = "          " });
        File.WriteAllText(_dir.Combine("auth_secret.txt"), " \t \n");
        var fromFile = Build();

        Assert.Equal("          ", fromEnvironment["Auth:Password"]);
        Assert.False(string.IsNullOrEmpty(fromFile["Auth:Password"]));
        Assert.True(string.IsNullOrWhiteSpace(fromFile["Auth:Password"]));
    }

    [Fact]
    public void Build_DataDirFromCommandLine_SeedFileFoundThere()
    {
        var custom = Directory.CreateDirectory(_dir.Combine("custom")).FullName;
        File.WriteAllText(Path.Combine(custom, "auth_secret.txt"), "custom-dir-password");

        var config = Build(commandLine: new() { ["Node:DataDir"] = "custom" });

        Assert.Equal("custom-dir-password", config["Auth:Password"]);
        Assert.Equal(custom, config["Node:DataDir"]);
    }

    [Fact]
    public void Build_RelativeDataDir_ResolvedAgainstWorkingDirectory()
    {
        var config = Build();

        Assert.Equal(_dir.Combine("meshmind-data"), config["Node:DataDir"]);
    }
}
