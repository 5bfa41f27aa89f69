using System.Net;
using System.Net.Http.Json;
using MeshMind.Tests.Support;

namespace MeshMind.Tests.Auth;

/// <summary><c>POST /api/auth/password</c>: the current password is required, every session ends, a configured password is not changed here.</summary>
public sealed class ChangePasswordTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ChangePassword_WithTheCurrentOne_NewOneWorks_EverySessionEnds()
    {
        await using var node = await TestNode.StartAsync(configurePassword: false);
        var generated = System.Text.RegularExpressions.Regex.Match(node.Output, @"with password: (\S+)").Groups[1].Value;
        using var person = node.CreateClient();
        (await person.PostAsJsonAsync("/api/auth/login", new { username = "admin", password = generated }, Ct)).EnsureSuccessStatusCode();
        using var other = node.CreateClient();
        (await other.PostAsJsonAsync("/api/auth/login", new { username = "admin", password = generated }, Ct)).EnsureSuccessStatusCode();

        var wrong = await person.PostAsJsonAsync("/api/auth/password", new { current_password = "not it", new_password = "a new password" }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Equal("the current password is not right", (await wrong.JsonAsync()).GetProperty("error").GetString());
        var tooShort = await person.PostAsJsonAsync("/api/auth/password", new { current_password = generated, new_password = "short" }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, tooShort.StatusCode);
        Assert.Contains("8 to 256 characters", (await tooShort.JsonAsync()).GetProperty("error").GetString(), StringComparison.Ordinal);

        var changed = await person.PostAsJsonAsync("/api/auth/password", new { current_password = generated, new_password = "a new password" }, Ct);
        Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);

        // Every session ends, the other browser's too.
        Assert.Equal(HttpStatusCode.Unauthorized, (await other.GetAsync("/api/status", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await person.GetAsync("/api/status", Ct)).StatusCode);
        using var again = node.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await again.PostAsJsonAsync("/api/auth/login", new { username = "admin", password = generated }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await again.PostAsJsonAsync("/api/auth/login", new { username = "admin", password = "a new password" }, Ct)).StatusCode);
    }

    [Fact]
    public async Task ChangePassword_Configured_409SaysWhereToChangeIt_Anonymous401()
    {
        await using var node = await TestNode.StartAsync();
        using var anonymous = node.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized,
            (await anonymous.PostAsJsonAsync("/api/auth/password", new { current_password = TestNode.Password, new_password = "a new password" }, Ct)).StatusCode);
        using var client = await node.CreateLoggedInClientAsync();

        var response = await client.PostAsJsonAsync("/api/auth/password", new { current_password = TestNode.Password, new_password = "a new password" }, Ct);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("NODE_PASSWORD", (await response.JsonAsync()).GetProperty("error").GetString(), StringComparison.Ordinal);
    }
}
