using MeshMind.Testing.Fuzz;

namespace MeshMind.Tests.Chaos;

/// <summary>
/// The short profile of the fuzzing in issue 14's chaos suite: 20,000 generated inputs per parser, 0 crashes, allocation
/// within each target's bound. The long profile (10^6 per target) is <c>bench chaos fuzz</c>.
/// </summary>
public sealed class FuzzTests
{
    private const int Inputs = 20_000;

    public static TheoryData<string> Targets => [.. FuzzTargets.All.Select(t => t.Name)];

    [Theory]
    [MemberData(nameof(Targets))]
    public void Fuzz_GeneratedInputs_NoCrashAndBoundedAllocation(string target)
    {
        var result = FuzzTargets.All.Single(t => t.Name == target).Fuzz(Inputs);

        Assert.True(result.Crash is null, result.Crash);
        Assert.Equal(Inputs, result.Inputs);
    }
}
