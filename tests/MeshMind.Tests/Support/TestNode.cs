using System.Net;
using System.Net.Http.Json;
using MeshMind.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MeshMind.Tests.Support;

/// <summary>
/// A real node in this process: real Kestrel on 127.0.0.1:0, real SQLite in its own temp data directory,
/// discovery off. Each test starts its own.
/// </summary>
public sealed class TestNode : IAsyncDisposable
{
    public const string Password = "correct horse battery staple";

    private readonly TempDirectory? _ownedDirectory;

    private TestNode(WebApplication app, string dataDir, StringWriter output, TempDirectory? ownedDirectory)
    {
        App = app;
        DataDir = dataDir;
        OutputWriter = output;
        _ownedDirectory = ownedDirectory;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single(a => a.StartsWith("http://", StringComparison.Ordinal));
        BaseAddress = new Uri(address);
    }

    public WebApplication App { get; }

    public Uri BaseAddress { get; }

    public string DataDir { get; }

    private StringWriter OutputWriter { get; }

    /// <summary>What the node told the person who started it.</summary>
    public string Output => OutputWriter.ToString();

    /// <summary>Starts a node. <paramref name="environment"/> replaces the process environment entirely.</summary>
    public static async Task<TestNode> StartAsync(
        Dictionary<string, string?>? environment = null,
        Dictionary<string, string?>? commandLine = null,
        TimeProvider? time = null,
        string? dataDir = null,
        bool configurePassword = true,
        Action<IServiceCollection>? services = null)
    {
        var owned = dataDir is null ? new TempDirectory() : null;
        dataDir ??= owned!.Combine("data");
        var env = environment ?? [];
        if (configurePassword)
        {
            env.TryAdd("NODE_PASSWORD", Password);
        }

        var flags = new Dictionary<string, string?>
        {
            ["Node:DataDir"] = dataDir,
            ["Node:Name"] = "test-node",
            ["Http:Port"] = "0",
            ["Http:BindAddress"] = "127.0.0.1",
            ["Discovery:Mode"] = "off",
            ["Mesh:Port"] = "0",
            ["Mesh:BindAddress"] = "127.0.0.1",
            // A loopback port nothing listens on: tests never depend on an Ollama this machine may happen to run.
            ["Llm:OllamaUrl"] = "http://127.0.0.1:9",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in commandLine ?? [])
        {
            flags[key] = value;
        }

        var output = new StringWriter();
        var app = NodeHost.Build(new NodeLaunch
        {
            CommandLine = flags,
            Environment = env,
            WorkingDirectory = Path.GetDirectoryName(dataDir)!,
            Output = output,
            Error = output,
            ConfigureServices = collection =>
            {
                if (time is not null)
                {
                    collection.Replace(ServiceDescriptor.Singleton(time));
                }

                services?.Invoke(collection);
            },
        });
        try
        {
            await app.StartAsync(TestContext.Current.CancellationToken);
        }
        catch
        {
            // A node that did not start lets go of its data directory's lock and its files, so a caller can start it again.
            await app.DisposeAsync();
            owned?.Dispose();
            throw;
        }

        return new TestNode(app, dataDir, output, owned);
    }

    /// <summary>An HTTP client for this node that keeps cookies, like a browser.</summary>
    public HttpClient CreateClient(CookieContainer? cookies = null) =>
        new(new HttpClientHandler { CookieContainer = cookies ?? new CookieContainer(), UseCookies = true, AllowAutoRedirect = false })
        {
            BaseAddress = BaseAddress,
        };

    /// <summary>A client that is already logged in.</summary>
    public async Task<HttpClient> CreateLoggedInClientAsync()
    {
        var client = CreateClient();
        var response = await client.PostAsJsonAsync("/api/auth/login", new { username = "admin", password = Password }, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync(CancellationToken.None);
        await App.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _ownedDirectory?.Dispose();
    }
}
