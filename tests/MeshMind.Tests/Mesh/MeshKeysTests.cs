using MeshMind.Hosting;
using MeshMind.Infrastructure;
using MeshMind.Mesh;
using MeshMind.Mesh.Admission;
using MeshMind.Node;
using MeshMind.Tests.Support;
using Microsoft.Extensions.Options;

namespace MeshMind.Tests.Mesh;

public sealed class MeshKeysTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private (MeshKeys Keys, string Output) Create(MeshOptions options)
    {
        var output = new StringWriter();
        var data = new DataDirectory(Options.Create(new NodeOptions { DataDir = _dir.Combine("data") }));
        return (new MeshKeys(Options.Create(options), data, new NodeConsole(output)), output.ToString());
    }

    [Fact]
    public void Derive_SameSecret_SameKeys_PurposesDiffer()
    {
        var a = MeshKeys.Derive("shared-secret-0123456789");
        var b = MeshKeys.Derive("shared-secret-0123456789");
        var c = MeshKeys.Derive("shared-secret-0123456780");

        Assert.Equal(a.Discovery, b.Discovery);
        Assert.Equal(a.Join, b.Join);
        Assert.NotEqual(a.Discovery, a.Join);
        Assert.NotEqual(a.Discovery, c.Discovery);
        Assert.Equal(32, a.Discovery.Length);
    }

    [Fact]
    public void Configured_CurrentThenPrevious()
    {
        var (keys, output) = Create(new MeshOptions { Secret = "current-secret-0123456789", PreviousSecrets = ["previous-secret-0123456789"] });

        Assert.Equal(2, keys.All.Count);
        Assert.Equal(MeshKeys.Derive("current-secret-0123456789").Join, keys.Current.Join);
        Assert.Equal(MeshKeys.Derive("previous-secret-0123456789").Join, keys.All[1].Join);
        Assert.Empty(output);
        Assert.False(File.Exists(_dir.Combine("data", MeshKeys.SecretFileName)));
    }

    [Fact]
    public void NoSecret_GeneratesOwnerOnlyFile_TellsHowToCopy_NeverPrintsIt_ReusesIt()
    {
        var (first, output) = Create(new MeshOptions());
        var path = _dir.Combine("data", MeshKeys.SecretFileName);
        var secret = File.ReadAllText(path).Trim();

        Assert.Equal(64, secret.Length);
        Assert.Contains(path, output, StringComparison.Ordinal);
        Assert.Contains("P2P_HMAC_SECRET", output, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, output, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        var (second, secondOutput) = Create(new MeshOptions());
        Assert.Equal(first.Current.Join, second.Current.Join);
        Assert.Empty(secondOutput);
    }

    [Fact]
    public void SeedFile_SeveralLines_CurrentThenPreviousSecrets()
    {
        File.WriteAllText(_dir.Combine("p2p_secret.txt"), "new-secret-0123456789\nold-secret-0123456789\n\n");

        var config = NodeConfiguration.Build(new Dictionary<string, string?>(), new Dictionary<string, string?>(), _dir.Path, _dir.Path);

        Assert.Equal("new-secret-0123456789", config["Mesh:Secret"]);
        Assert.Equal("old-secret-0123456789", config["Mesh:PreviousSecrets:0"]);
        Assert.Null(config["Mesh:PreviousSecrets:1"]);
    }

    [Fact]
    public void SeedFile_RecordsWhereTheSecretsWereRead()
    {
        File.WriteAllText(_dir.Combine("p2p_secret.txt"), "new-secret-0123456789\n");

        var config = NodeConfiguration.Build(new Dictionary<string, string?>(), new Dictionary<string, string?>(), _dir.Path, _dir.Path);
        var fromEnvironment = NodeConfiguration.Build(new Dictionary<string, string?>(),
            new Dictionary<string, string?> { ["P2P_HMAC_SECRET"] = "env-secret-0123456789" }, _dir.Path, _dir.Path);

        Assert.Equal(_dir.Combine("p2p_secret.txt"), config["Mesh:SecretFile"]);
        Assert.Null(fromEnvironment["Mesh:SecretFile"]);
    }

    [Fact]
    public void Install_WritesTheFileCurrentFirst_KeepsTheKeysOfAKeptSecret_CountsTheChange()
    {
        var (keys, _) = Create(new MeshOptions());
        var path = _dir.Combine("data", MeshKeys.SecretFileName);
        var first = keys.Current;
        var changes = 0;
        keys.Changed += () => changes++;

        keys.Install(["rotated-secret-0123456789", File.ReadAllText(path).Trim()]);

        Assert.Equal(path, keys.SecretFile);
        Assert.Equal(2, File.ReadAllLines(path).Length);
        Assert.Equal("rotated-secret-0123456789", File.ReadAllLines(path)[0]);
        Assert.Same(first, keys.All[1]);
        Assert.True(keys.Accepts(first));
        Assert.Equal(1, keys.Generation);
        Assert.Equal(1, changes);

        keys.Install(["rotated-secret-0123456789"]);

        Assert.False(keys.Accepts(first));
        Assert.Single(File.ReadAllLines(path));
        Assert.Equal(2, keys.Generation);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    [Fact]
    public void SecretFromTheEnvironment_NotWritable_SaysWhy_InstallOnlyInMemory()
    {
        var (keys, _) = Create(new MeshOptions { Secret = "environment-secret-0123456789" });

        Assert.Null(keys.SecretFile);
        Assert.Contains("P2P_HMAC_SECRET", keys.NotWritableReason, StringComparison.Ordinal);
        keys.Install(["in-memory-secret-0123456789"]);
        Assert.Equal(MeshKeys.Derive("in-memory-secret-0123456789").Join, keys.Current.Join);
        Assert.False(File.Exists(_dir.Combine("data", MeshKeys.SecretFileName)));
    }

    [Fact]
    public void SecretFileThatNoLongerHoldsTheConfiguredSecrets_NotWritable()
    {
        var path = _dir.Combine("p2p_secret.txt");
        File.WriteAllText(path, "edited-since-0123456789\n");

        var (keys, _) = Create(new MeshOptions { Secret = "configured-secret-0123456789", SecretFile = path });
        var (matching, _) = Create(new MeshOptions { Secret = "edited-since-0123456789", SecretFile = path });

        Assert.Null(keys.SecretFile);
        Assert.Equal(path, matching.SecretFile);
    }
}
