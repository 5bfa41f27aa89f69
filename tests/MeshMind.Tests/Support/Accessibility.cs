using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace MeshMind.Tests.Support;

/// <summary>axe-core on a page as it is now: serious and critical violations fail the test, listed with the elements involved.</summary>
public static class Accessibility
{
    public static async Task AssertNoSeriousViolationsAsync(IPage page, string what) => AssertNoSerious(await page.RunAxe(), what);

    /// <summary>axe-core on one part of the page only (<paramref name="scope"/> and what it holds).</summary>
    public static async Task AssertNoSeriousViolationsAsync(ILocator scope, string what) => AssertNoSerious(await scope.RunAxe(), what);

    private static void AssertNoSerious(AxeResult result, string what)
    {
        var serious = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(serious.Count == 0, $"{what} has accessibility violations:\n" + string.Join("\n", serious.Select(v =>
            $"{v.Id} ({v.Impact}): {v.Help}\n    " + string.Join("\n    ", v.Nodes.Take(5).Select(n => n.Html)))));
    }
}
