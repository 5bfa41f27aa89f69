using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MeshMind.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace MeshMind.Tests.Auth;

public sealed class AuthApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Login_RightPassword_SetsHttpOnlyLaxSessionCookie()
    {
        await using var node = await TestNode.StartAsync();
        using var client = node.CreateClient();

        var response = await client.PostAsJsonAsync("/api/auth/login", new { username = "admin", password = TestNode.Password }, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("meshmind_session_", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", cookie, StringComparison.OrdinalIgnoreCase);
        // A lifetime, not a date: the browser counts it on its own clock, whatever the node's clock says.
        Assert.Contains("max-age=86400", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("expires=", cookie, StringComparison.OrdinalIgnoreCase);
        var status = await (await client.GetAsync("/api/auth/status", Ct)).JsonAsync();
        Assert.True(status.GetProperty("authenticated").GetBoolean());
        Assert.Equal("admin", status.GetProperty("username").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/status", Ct)).StatusCode);
    }

    [Theory]
    [InlineData("admin", "wrong password")]
    [InlineData("root", TestNode.Password)]
    public async Task Login_WrongCredentials_401AndNoCookie(string username, string password)
    {
        await using var node = await TestNode.StartAsync();
        using var client = node.CreateClient();

        var response = await client.PostAsJsonAsync("/api/auth/login", new { username, password }, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
        Assert.Equal("wrong username or password", (await response.JsonAsync()).GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/status", Ct)).StatusCode);
    }

    [Fact]
    public async Task AuthStatus_Anonymous_NotAuthenticated()
    {
        await using var node = await TestNode.StartAsync();
        using var client = node.CreateClient();

        var response = await client.GetAsync("/api/auth/status", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False((await response.JsonAsync()).GetProperty("authenticated").GetBoolean());
    }

    [Fact]
    public async Task Login_RepeatedFailures_GrowingDelays_RightPasswordAcceptedAfterTheWait()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var node = await TestNode.StartAsync(time: time);
        using var client = node.CreateClient();
        Task<HttpResponseMessage> LoginAsync(string password) =>
            client.PostAsJsonAsync("/api/auth/login", new { username = "admin", password }, Ct);

        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync("nope")).StatusCode);
        }

        var fifth = await LoginAsync("nope");
        Assert.Equal(HttpStatusCode.TooManyRequests, fifth.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), fifth.Headers.RetryAfter?.Delta);

        // During the wait even the right password is not checked: otherwise the wait would not slow a guesser.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await LoginAsync(TestNode.Password)).StatusCode);

        time.Advance(TimeSpan.FromSeconds(1));
        var sixth = await LoginAsync("nope");
        Assert.Equal(TimeSpan.FromSeconds(2), sixth.Headers.RetryAfter?.Delta);
        time.Advance(TimeSpan.FromSeconds(2));
        var seventh = await LoginAsync("nope");
        Assert.Equal(TimeSpan.FromSeconds(4), seventh.Headers.RetryAfter?.Delta);

        // After the wait (seconds, not a lockout) the right password gets in.
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(TestNode.Password)).StatusCode);
    }

    [Fact]
    public async Task Login_NeighboursFailures_NeverHoldUpABrowserThatLoggedInBefore()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var node = await TestNode.StartAsync(time: time);
        using var owner = node.CreateClient();
        (await owner.PostAsJsonAsync("/api/auth/login", new { username = "admin", password = TestNode.Password }, Ct)).EnsureSuccessStatusCode();
        (await owner.PostAsync("/api/auth/logout", null, Ct)).EnsureSuccessStatusCode();

        // Another local process (same address, 127.0.0.1) guesses on and on.
        using var neighbour = node.CreateClient();
        for (var i = 0; i < 20; i++)
        {
            await neighbour.PostAsJsonAsync("/api/auth/login", new { username = "admin", password = "guess " + i }, Ct);
            time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(HttpStatusCode.TooManyRequests,
            (await neighbour.PostAsJsonAsync("/api/auth/login", new { username = "admin", password = TestNode.Password }, Ct)).StatusCode);
        var response = await owner.PostAsJsonAsync("/api/auth/login", new { username = "admin", password = TestNode.Password }, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Logout_OldCookieReplayed_401()
    {
        await using var node = await TestNode.StartAsync();
        var cookies = new CookieContainer();
        using var client = node.CreateClient(cookies);
        (await client.PostAsJsonAsync("/api/auth/login", new { username = "admin", password = TestNode.Password }, Ct)).EnsureSuccessStatusCode();
        var stolen = cookies.GetCookieHeader(node.BaseAddress);

        var logout = await client.PostAsync("/api/auth/logout", null, Ct);

        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/status", Ct)).StatusCode);
        using var replay = new HttpClient { BaseAddress = node.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/status");
        request.Headers.Add("Cookie", stolen);
        Assert.Equal(HttpStatusCode.Unauthorized, (await replay.SendAsync(request, Ct)).StatusCode);
    }

    [Fact]
    public async Task Session_After24Hours_401()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var node = await TestNode.StartAsync(time: time);
        using var client = await node.CreateLoggedInClientAsync();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/status", Ct)).StatusCode);

        time.Advance(TimeSpan.FromHours(24) + TimeSpan.FromSeconds(1));

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/status", Ct)).StatusCode);
    }

    [Theory]
    [InlineData("/api/status")]
    [InlineData("/api/keys")]
    [InlineData("/api/anything-else")]
    [InlineData("/peers")]
    public async Task PeerHeaderAlone_GrantsNothing_401(string path)
    {
        await using var node = await TestNode.StartAsync();
        using var client = node.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("x-peer-llm", "1");

        var response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task ApiKey_CreateUseListDelete_Lifecycle()
    {
        await using var node = await TestNode.StartAsync();
        using var person = await node.CreateLoggedInClientAsync();
        using var program = new HttpClient { BaseAddress = node.BaseAddress };

        var created = await person.PostAsJsonAsync("/api/keys", new { name = "backup script" }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.JsonAsync();
        var key = body.GetProperty("key").GetString()!;
        var id = body.GetProperty("id").GetString()!;
        Assert.StartsWith("mm_", key, StringComparison.Ordinal);

        program.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        Assert.Equal(HttpStatusCode.OK, (await program.GetAsync("/api/status", Ct)).StatusCode);

        var listText = await person.GetStringAsync("/api/keys", Ct);
        Assert.Contains("backup script", listText, StringComparison.Ordinal);
        Assert.Contains("last_used_at", listText, StringComparison.Ordinal);
        Assert.DoesNotContain(key, listText, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NoContent, (await person.DeleteAsync($"/api/keys/{id}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await program.GetAsync("/api/status", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await person.DeleteAsync($"/api/keys/{id}", Ct)).StatusCode);
    }

    [Fact]
    public async Task ApiKey_LastUsedAt_WrittenAtFirstUse_ThenAtMostOncePerMinute()
    {
        // A fixed date long before any run: the login cookie must not depend on the node's clock agreeing with the client's.
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
        await using var node = await TestNode.StartAsync(time: time);
        using var person = await node.CreateLoggedInClientAsync();
        using var program = new HttpClient { BaseAddress = node.BaseAddress };
        var created = await (await person.PostAsJsonAsync("/api/keys", new { name = "chat client" }, Ct)).JsonAsync();
        program.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", created.GetProperty("key").GetString());

        async Task<DateTimeOffset?> LastUsedAsync()
        {
            var key = Assert.Single((await person.GetFromJsonAsync<JsonElement>("/api/keys", Ct)).EnumerateArray());
            return key.GetProperty("last_used_at").ValueKind == JsonValueKind.Null ? null : key.GetProperty("last_used_at").GetDateTimeOffset();
        }

        Assert.Null(await LastUsedAsync());
        var first = time.GetUtcNow();
        Assert.Equal(HttpStatusCode.OK, (await program.GetAsync("/api/status", Ct)).StatusCode);
        Assert.Equal(first, await LastUsedAsync());

        time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK, (await program.GetAsync("/api/status", Ct)).StatusCode);
        Assert.Equal(first, await LastUsedAsync());

        time.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(HttpStatusCode.OK, (await program.GetAsync("/api/status", Ct)).StatusCode);
        Assert.Equal(first + TimeSpan.FromSeconds(61), await LastUsedAsync());
    }

    [Theory]
    [InlineData("Bearer mm_not-a-real-key")]
    [InlineData("Basic YWRtaW46cGFzc3dvcmQ=")]
    public async Task Authorization_InvalidCredential_401(string header)
    {
        await using var node = await TestNode.StartAsync();
        using var client = node.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/status");
        request.Headers.TryAddWithoutValidation("Authorization", header);

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(request, Ct)).StatusCode);
    }

    [Fact]
    public async Task CookiePost_FromAnotherOrigin_403_FromOwnOrigin_Allowed()
    {
        await using var node = await TestNode.StartAsync();
        using var client = await node.CreateLoggedInClientAsync();
        var own = node.BaseAddress.GetLeftPart(UriPartial.Authority);

        using var foreign = new HttpRequestMessage(HttpMethod.Post, "/api/keys") { Content = JsonContent.Create(new { name = "csrf" }) };
        foreign.Headers.Add("Origin", "http://127.0.0.1:1");
        var refused = await client.SendAsync(foreign, Ct);

        using var sameSite = new HttpRequestMessage(HttpMethod.Post, "/api/keys") { Content = JsonContent.Create(new { name = "csrf" }) };
        sameSite.Headers.Add("Sec-Fetch-Site", "same-site");
        var refusedToo = await client.SendAsync(sameSite, Ct);

        using var mine = new HttpRequestMessage(HttpMethod.Post, "/api/keys") { Content = JsonContent.Create(new { name = "ok" }) };
        mine.Headers.Add("Origin", own);
        var allowed = await client.SendAsync(mine, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, refusedToo.StatusCode);
        Assert.Equal(HttpStatusCode.Created, allowed.StatusCode);
        var keys = await client.GetStringAsync("/api/keys", Ct);
        Assert.DoesNotContain("csrf", keys, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_FromAnotherOrigin_403()
    {
        await using var node = await TestNode.StartAsync();
        using var client = node.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login")
        {
            Content = JsonContent.Create(new { username = "admin", password = TestNode.Password }),
        };
        request.Headers.Add("Origin", "http://evil.invalid");

        var response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Theory]
    [InlineData("{not json", "application/json", HttpStatusCode.BadRequest)]
    [InlineData("{\"username\":\"admin\"}", "application/json", HttpStatusCode.BadRequest)]
    [InlineData("username=admin", "application/x-www-form-urlencoded", HttpStatusCode.UnsupportedMediaType)]
    public async Task Login_MalformedBody_ClearError(string body, string contentType, HttpStatusCode expected)
    {
        await using var node = await TestNode.StartAsync();
        using var client = node.CreateClient();

        var response = await client.PostAsync("/api/auth/login", new StringContent(body, Encoding.UTF8, contentType), Ct);

        Assert.Equal(expected, response.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace((await response.JsonAsync()).GetProperty("error").GetString()));
    }

    [Fact]
    public async Task Login_OversizedBody_413()
    {
        await using var node = await TestNode.StartAsync();
        using var client = node.CreateClient();
        var huge = "{\"username\":\"admin\",\"password\":\"" + new string('x', 200_000) + "\"}";

        var response = await client.PostAsync("/api/auth/login", new StringContent(huge, Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task GeneratedPassword_PrintedOnceStoredOnlyAsHash_AndWorks()
    {
        using var dir = new TempDirectory();
        var dataDir = dir.Combine("data");
        string password;
        await using (var first = await TestNode.StartAsync(dataDir: dataDir, configurePassword: false))
        {
            var line = first.Output.Split('\n').Single(l => l.Contains("with password: ", StringComparison.Ordinal));
            password = line[(line.IndexOf("with password: ", StringComparison.Ordinal) + "with password: ".Length)..].Trim();
            using var client = first.CreateClient();
            var login = await client.PostAsJsonAsync("/api/auth/login", new { username = "admin", password }, Ct);
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(dataDir))
        {
            Assert.DoesNotContain(password, Encoding.UTF8.GetString(await File.ReadAllBytesAsync(file, Ct)), StringComparison.Ordinal);
        }

        await using var second = await TestNode.StartAsync(dataDir: dataDir, configurePassword: false);
        Assert.DoesNotContain("password", second.Output, StringComparison.OrdinalIgnoreCase);
        using var again = second.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await again.PostAsJsonAsync("/api/auth/login", new { username = "admin", password }, Ct)).StatusCode);
    }
}
