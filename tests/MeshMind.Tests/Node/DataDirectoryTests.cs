using MeshMind.Node;
using MeshMind.Tests.Support;
using Microsoft.Extensions.Options;

namespace MeshMind.Tests.Node;

public sealed class DataDirectoryTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private DataDirectory Create() => new(Options.Create(new NodeOptions { DataDir = _dir.Combine("data") }));

    [Fact]
    public void Lock_HeldByAnotherNode_RefusedNamingTheDirectoryAndTheHolder()
    {
        using var first = Create();
        first.Lock();
        using var second = Create();

        var error = Assert.Throws<DataDirectoryInUseException>(second.Lock);

        Assert.Equal(Environment.ProcessId, error.ProcessId);
        Assert.Contains(_dir.Combine("data"), error.Message, StringComparison.Ordinal);
        Assert.Contains($"PID {Environment.ProcessId}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Lock_ReleasedByDispose_TakenByTheNext()
    {
        var first = Create();
        first.Lock();
        first.Dispose();
        using var second = Create();

        second.Lock();

        Assert.Equal(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            File.ReadAllText(second.PathOf(DataDirectory.ProcessIdFileName)).Trim());
    }
}
