using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace MeshMind.Tests.Support;

/// <summary>axe-core on a page as it is now: serious and critical violations fail the test, listed with the elements involved.</summary>
public static class Accessibility
{
    public static async Task AssertNoSeriousViolationsAsync(IPage page, string what) => Check(await page.RunAxe(), what);

    /// <summary>The same, for one part of the page (e.g. one component, checked in a state only a test can hold it in).</summary>
    public static async Task AssertNoSeriousViolationsAsync(ILocator part, string what) => Check(await part.RunAxe(), what);

    private static void Check(AxeResult result, string what)
    {
        var serious = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(serious.Count == 0, $"{what} has accessibility violations:\n" + string.Join("\n", serious.Select(v =>
            $"{v.Id} ({v.Impact}): {v.Help}\n    " + string.Join("\n    ", v.Nodes.Take(5).Select(n => n.Html)))));
    }
}
