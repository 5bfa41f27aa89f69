namespace MeshMind.Tests.Support;

/// <summary>Waits for a condition (polling, <see cref="Poll"/>), failing the test with a message when it does not hold in time.</summary>
public static class Wait
{
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        try
        {
            await Poll.UntilAsync(condition, timeout, what, TestContext.Current.CancellationToken);
        }
        catch (TimeoutException ex)
        {
            Assert.Fail(ex.Message);
        }
    }

    /// <summary>As <see cref="UntilAsync(Func{Task{bool}}, TimeSpan, string)"/>; on a timeout, the message adds what <paramref name="explain"/> says of the state then.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, Func<Task<string>> explain)
    {
        try
        {
            await Poll.UntilAsync(condition, timeout, what, TestContext.Current.CancellationToken);
        }
        catch (TimeoutException ex)
        {
            Assert.Fail(ex.Message + "\n" + await explain());
        }
    }

    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what) =>
        UntilAsync(() => Task.FromResult(condition()), timeout, what);
}
