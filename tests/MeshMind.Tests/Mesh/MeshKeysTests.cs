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
}
