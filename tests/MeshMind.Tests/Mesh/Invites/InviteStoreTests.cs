using System.Security.Cryptography;
using MeshMind.Mesh.Invites;
using MeshMind.Node;
using MeshMind.Storage;
using MeshMind.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace MeshMind.Tests.Mesh.Invites;

/// <summary>Invites in SQLite: a token is redeemed once, only before it expires, and that holds for a new process on the same database.</summary>
public sealed class InviteStoreTests : IDisposable
{
    private static readonly TimeSpan s_lifetime = TimeSpan.FromMinutes(10);
    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    /// <summary>A store on the test's database, as a (re)started node opens it.</summary>
    private async Task<InviteStore> OpenAsync()
    {
        var database = new Database(new DataDirectory(Options.Create(new NodeOptions { DataDir = _dir.Combine("data") })), NullLogger<Database>.Instance);
        await database.MigrateAsync(Migrations.All, Ct);
        return new InviteStore(database);
    }

    private async Task<string> AddAsync(InviteStore store)
    {
        var hash = InviteStore.Hash(RandomNumberGenerator.GetBytes(InviteCode.TokenLength));
        Assert.True(await store.AddAsync(hash, _time.GetUtcNow(), _time.GetUtcNow() + s_lifetime, Ct));
        return hash;
    }

    [Fact]
    public async Task Redeem_Once_ThenUsed()
    {
        var store = await OpenAsync();
        var hash = await AddAsync(store);

        Assert.Equal(InviteStatus.Accepted, await store.StatusAsync(hash, _time.GetUtcNow(), Ct));
        Assert.Equal(InviteStatus.Accepted, await store.RedeemAsync(hash, "joiner-1", _time.GetUtcNow(), Ct));
        Assert.Equal(InviteStatus.Used, await store.RedeemAsync(hash, "joiner-2", _time.GetUtcNow(), Ct));
        Assert.Equal(InviteStatus.Used, await store.StatusAsync(hash, _time.GetUtcNow(), Ct));
    }

    [Fact]
    public async Task Redeem_ManyAtOnce_ExactlyOneWins()
    {
        var store = await OpenAsync();
        var hash = await AddAsync(store);

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() => store.RedeemAsync(hash, $"joiner-{i}", _time.GetUtcNow(), Ct), Ct)));

        Assert.Single(results, r => r == InviteStatus.Accepted);
        Assert.All(results.Where(r => r != InviteStatus.Accepted), r => Assert.Equal(InviteStatus.Used, r));
    }

    [Fact]
    public async Task Redeem_AfterRestart_StillUsed()
    {
        var hash = await AddAsync(await OpenAsync());
        Assert.Equal(InviteStatus.Accepted, await (await OpenAsync()).RedeemAsync(hash, "joiner", _time.GetUtcNow(), Ct));
        SqliteConnection.ClearAllPools();

        var restarted = await OpenAsync();

        Assert.Equal(InviteStatus.Used, await restarted.RedeemAsync(hash, "replayer", _time.GetUtcNow(), Ct));
    }

    [Fact]
    public async Task Redeem_AtExpiry_Expired_NotUsed()
    {
        var store = await OpenAsync();
        var hash = await AddAsync(store);

        _time.Advance(s_lifetime - TimeSpan.FromMilliseconds(1));
        Assert.Equal(InviteStatus.Accepted, await store.StatusAsync(hash, _time.GetUtcNow(), Ct));
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(InviteStatus.Expired, await store.RedeemAsync(hash, "late", _time.GetUtcNow(), Ct));
        Assert.Equal(InviteStatus.Expired, await store.StatusAsync(hash, _time.GetUtcNow(), Ct));
    }

    [Fact]
    public async Task Redeem_UnknownToken_Unknown()
    {
        var store = await OpenAsync();
        await AddAsync(store);

        Assert.Equal(InviteStatus.Unknown, await store.RedeemAsync(InviteStore.Hash(new byte[16]), "guess", _time.GetUtcNow(), Ct));
    }

    [Fact]
    public async Task Add_BeyondTheOpenLimit_Refused_UntilOneIsUsed()
    {
        var store = await OpenAsync();
        var hashes = new List<string>();
        for (var i = 0; i < InviteStore.MaxOpen; i++)
        {
            hashes.Add(await AddAsync(store));
        }

        Assert.False(await store.AddAsync(InviteStore.Hash(new byte[16]), _time.GetUtcNow(), _time.GetUtcNow() + s_lifetime, Ct));
        await store.RedeemAsync(hashes[0], "joiner", _time.GetUtcNow(), Ct);
        Assert.True(await store.AddAsync(InviteStore.Hash(new byte[16]), _time.GetUtcNow(), _time.GetUtcNow() + s_lifetime, Ct));
    }

    [Fact]
    public async Task Expired_ForgottenAfterADay_ThenUnknown()
    {
        var store = await OpenAsync();
        var hash = await AddAsync(store);

        _time.Advance(s_lifetime + InviteStore.RememberedFor + TimeSpan.FromSeconds(1));
        await AddAsync(store); // adding purges what is past remembering

        Assert.Equal(InviteStatus.Unknown, await store.StatusAsync(hash, _time.GetUtcNow(), Ct));
    }

    [Fact]
    public void Hash_IsNotTheToken_AndDiffersPerToken()
    {
        var token = RandomNumberGenerator.GetBytes(16);

        Assert.DoesNotContain(Convert.ToHexStringLower(token), InviteStore.Hash(token), StringComparison.Ordinal);
        Assert.NotEqual(InviteStore.Hash(token), InviteStore.Hash(RandomNumberGenerator.GetBytes(16)));
    }
}
