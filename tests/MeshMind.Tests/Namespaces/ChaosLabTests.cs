using MeshMind.Testing.Chaos;

namespace MeshMind.Tests.Namespaces;

/// <summary>
/// The chaos suite's faults that need real processes and a real network (issue 14), in network namespaces (root): short
/// profiles of the runs <c>bench chaos partition|crash</c> make long (the scenarios live in <c>MeshMind.Testing/Chaos</c>).
/// </summary>
[Collection(nameof(NamespaceLabs))]
public sealed class ChaosLabTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// Partition and heal (see <see cref="PartitionScenario"/>): a host cut off for 20 s while both sides upload and chat; after
    /// the heal the mesh re-forms and every node holds each file and exchange exactly once.
    /// </summary>
    [Fact]
    public async Task HostCutOff20s_BothSidesWork_AfterHealEverythingConvergesOnce()
    {
        await using var lab = await Labs.CreateAsync();

        // The run throws when a side does not give the other up, the mesh does not re-form, or an item is missing or doubled.
        var report = await PartitionScenario.RunAsync(lab, subnet: 27, Ct);

        TestContext.Current.TestOutputHelper?.WriteLine(report.Summary());
    }

    /// <summary>
    /// Crash consistency, a short profile of <c>bench chaos crash</c> (see <see cref="CrashScenario"/>): A or B killed -9 at a
    /// random moment of uploads, pins and synced chats, and once during a start with a rotated secret; every database stays
    /// intact and nothing partial is ever listed.
    /// </summary>
    [Fact]
    public async Task KilledDash9AtRandomDuringUploadsPinsChatsAndRotation_DatabasesIntact_NothingPartial()
    {
        await using var lab = await Labs.CreateAsync();

        var report = await CrashScenario.RunAsync(lab, subnet: 28, rounds: 6, log: line => TestContext.Current.TestOutputHelper?.WriteLine(line),
            cancellationToken: Ct);

        TestContext.Current.TestOutputHelper?.WriteLine(report.Summary());
        Assert.Equal(6, report.Kills.Count);
        Assert.Contains(report.Kills, k => k.DuringRotation);
        Assert.All(report.Kills, k => Assert.True(k.Integrity is "ok" or "no database", $"{k.Victim}: {k.Integrity}"));
    }
}
