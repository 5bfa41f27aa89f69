using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace MeshMind.Tests.Support;

/// <summary>axe-core on a page as it is now: serious and critical violations fail the test, listed with the elements involved.</summary>
public static class Accessibility
{
    public static async Task AssertNoSeriousViolationsAsync(IPage page, string what)
    {
        var serious = await SeriousViolationsAsync(page, what);
        Assert.True(serious.Count == 0, string.Join("\n", serious));
    }

    /// <summary>axe-core on one part of the page only (<paramref name="scope"/> and what it holds).</summary>
    public static async Task AssertNoSeriousViolationsAsync(ILocator scope, string what)
    {
        var serious = Serious(await scope.RunAxe(), what);
        Assert.True(serious.Count == 0, string.Join("\n", serious));
    }

    /// <summary>The serious and critical violations on the page, one description each (rule, elements, and why they fail).</summary>
    /// <remarks>
    /// Waits first for running CSS transitions to end: right after a theme switch, a background that fades (Tailwind's
    /// <c>transition-colors</c>) is read half-way by axe, and a colour neither theme has fails the contrast rule (seen once in
    /// CI: #2d475e behind dark text). Endless animations (spinners) are not transitions and are not waited for.
    /// A transition can also start while axe runs (a button enabled as a check it started finishes: seen in CI as a colour
    /// between its two states), so transitions that start meanwhile are counted, and when any did and axe found something,
    /// it looks once more when the page is still.
    /// </remarks>
    public static async Task<IReadOnlyList<string>> SeriousViolationsAsync(IPage page, string what)
    {
        for (var attempt = 1; ; attempt++)
        {
            await page.WaitForFunctionAsync("() => document.getAnimations().every(a => !(a instanceof CSSTransition) || a.playState !== 'running')");
            await page.EvaluateAsync("""
                () => {
                  window.__axeTransitions = 0;
                  if (!window.__axeCounting) {
                    window.__axeCounting = true;
                    document.addEventListener('transitionstart', () => { window.__axeTransitions++; }, true);
                  }
                }
                """);
            var serious = Serious(await page.RunAxe(), what);
            if (serious.Count == 0 || attempt == 2 || await page.EvaluateAsync<int>("() => window.__axeTransitions") == 0)
            {
                return serious;
            }
        }
    }

    private static List<string> Serious(AxeResult result, string what) =>
        result.Violations.Where(v => v.Impact is "serious" or "critical").Select(v =>
            $"{what}: {v.Id} ({v.Impact}): {v.Help}\n    " + string.Join("\n    ", v.Nodes.Take(5).Select(n => $"{n.Html}\n      " + string.Join("; ", n.Any.Concat(n.All).Concat(n.None).Select(c => c.Message))))).ToList();
}
