using MeshMind.Auth;
using MeshMind.Node;
using MeshMind.Storage;
using MeshMind.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace MeshMind.Tests.Auth;

public sealed class SessionTokensTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    private async Task<SessionTokens> CreateAsync(string name = "data")
    {
        var dataDirectory = new DataDirectory(Options.Create(new NodeOptions { DataDir = _dir.Combine(name) }));
        var database = new Database(dataDirectory, NullLogger<Database>.Instance);
        await database.MigrateAsync(Migrations.All, TestContext.Current.CancellationToken);
        var identity = new NodeIdentity(dataDirectory, _time);
        var tokens = new SessionTokens(dataDirectory, identity, database, Options.Create(new AuthOptions()), _time);
        await tokens.LoadRevokedAsync(TestContext.Current.CancellationToken);
        return tokens;
    }

    [Fact]
    public async Task Validate_FreshToken_ReturnsSessionFor24Hours()
    {
        var tokens = await CreateAsync();
        var issued = tokens.Issue("admin");

        var session = await tokens.ValidateAsync(issued.Token, TestContext.Current.CancellationToken);

        Assert.NotNull(session);
        Assert.Equal("admin", session.Username);
        Assert.Equal(_time.GetUtcNow().AddHours(24), session.Expires);
    }

    [Fact]
    public async Task Validate_AfterExpiry_Null()
    {
        var tokens = await CreateAsync();
        var issued = tokens.Issue("admin");

        _time.Advance(TimeSpan.FromHours(24) - TimeSpan.FromSeconds(1));
        Assert.NotNull(await tokens.ValidateAsync(issued.Token, TestContext.Current.CancellationToken));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await tokens.ValidateAsync(issued.Token, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Validate_TamperedPayload_Null()
    {
        var tokens = await CreateAsync();
        var parts = tokens.Issue("admin").Token.Split('.');
        var payload = System.Text.Encoding.UTF8.GetString(Base64UrlDecode(parts[1])).Replace("admin", "admim", StringComparison.Ordinal);
        parts[1] = Base64UrlEncode(System.Text.Encoding.UTF8.GetBytes(payload));

        Assert.Null(await tokens.ValidateAsync(string.Join('.', parts), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Validate_TokenFromAnotherNode_Null()
    {
        var mine = await CreateAsync("a");
        var theirs = await CreateAsync("b");

        Assert.Null(await mine.ValidateAsync(theirs.Issue("admin").Token, TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-jwt")]
    [InlineData("eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.")]
    public async Task Validate_Garbage_Null(string token)
    {
        var tokens = await CreateAsync();

        Assert.Null(await tokens.ValidateAsync(token, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Revoke_ThenValidate_Null_EvenAfterRestart()
    {
        var tokens = await CreateAsync();
        var issued = tokens.Issue("admin");
        await tokens.RevokeAsync(issued, TestContext.Current.CancellationToken);

        Assert.Null(await tokens.ValidateAsync(issued.Token, TestContext.Current.CancellationToken));
        var restarted = await CreateAsync();
        Assert.Null(await restarted.ValidateAsync(issued.Token, TestContext.Current.CancellationToken));
        Assert.NotNull(await restarted.ValidateAsync(restarted.Issue("admin").Token, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Revoke_AfterValidated_NextValidateNull()
    {
        var tokens = await CreateAsync();
        var issued = tokens.Issue("admin");
        var copy = new string(issued.Token.AsSpan());
        Assert.NotNull(await tokens.ValidateAsync(issued.Token, TestContext.Current.CancellationToken));

        // Revoked from the session another request found (logout), the remembered validation must not outlive it.
        await tokens.RevokeAsync(new SessionToken(copy, issued.Id, issued.Username, issued.Expires), TestContext.Current.CancellationToken);

        Assert.Null(await tokens.ValidateAsync(copy, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Validate_Twice_SameSessionWithoutRecheck()
    {
        var tokens = await CreateAsync();
        var issued = tokens.Issue("admin");

        var first = await tokens.ValidateAsync(issued.Token, TestContext.Current.CancellationToken);
        var second = await tokens.ValidateAsync(issued.Token, TestContext.Current.CancellationToken);

        Assert.NotNull(first);
        Assert.Same(first, second);
    }

    [Fact]
    public async Task Validate_ManySessions_EachStillValidAndTamperedStillRefused()
    {
        var tokens = await CreateAsync();
        var issued = Enumerable.Range(0, SessionTokens.MaxRemembered + 10).Select(i => tokens.Issue($"user{i}")).ToList();

        foreach (var session in issued)
        {
            Assert.Equal(session.Username, (await tokens.ValidateAsync(session.Token, TestContext.Current.CancellationToken))?.Username);
        }

        Assert.Equal("user0", (await tokens.ValidateAsync(issued[0].Token, TestContext.Current.CancellationToken))?.Username);
        var parts = issued[1].Token.Split('.');
        parts[2] = (parts[2][0] == 'A' ? "B" : "A") + parts[2][1..];
        Assert.Null(await tokens.ValidateAsync(string.Join('.', parts), TestContext.Current.CancellationToken));
    }

    private static byte[] Base64UrlDecode(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '='));
    }

    private static string Base64UrlEncode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
