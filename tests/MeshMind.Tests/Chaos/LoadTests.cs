using System.Net;
using MeshMind.Testing.Load;
using MeshMind.Tests.Support;
using static MeshMind.Tests.Llm.LlmNodes;

namespace MeshMind.Tests.Chaos;

/// <summary>
/// The short profile of issue 14's load point: many streamed chats at once through a node that delegates them to a peer,
/// every one ending properly with the whole reply; and a user still answered while hundreds of idle connections are held.
/// No timing is asserted here: <c>bench chaos load</c> is the long profile (1,000 chats, 2,000 idle connections) and measures.
/// </summary>
public sealed class LoadTests
{
    private const string Model = "llama3:latest";
    private const int Chats = 200;
    private const int Idle = 300;
    private static readonly LoadApi[] s_apis = [LoadApi.Ollama, LoadApi.Seed, LoadApi.OpenAi];


    [Fact]
    public async Task ConcurrentStreamedChats_ThroughADelegatingNode_EveryOneEndsWithTheWholeReply()
    {
        var reply = Words(20);
        var options = Only(Model);
        options.Reply = reply;
        // A model's pace: each reply lasts about a second, so all the chats are in flight together.
        options.TokensPerSecond = 20;
        await using var ollama = await FixtureAsync(options);
        using var logs = new TempDirectory();
        await using var host = await StartAsync("h", ollama.BaseAddress.ToString(), extra: LinkLog(logs.Combine("h.log")));
        await using var delegator = await StartAsync("t", NoLlm, [host], LinkLog(logs.Combine("t.log")));
        await UntilRoutableAsync(delegator, host);
        using var client = await delegator.CreateLoggedInClientAsync();
        var bodies = s_apis.ToDictionary(api => api, api => LoadChat.Body(api, Model, "hello"));

        var results = await Task.WhenAll(Enumerable.Range(0, Chats).Select(i =>
            LoadChat.SendAsync(client, delegator.BaseAddress, s_apis[i % s_apis.Length], bodies[s_apis[i % s_apis.Length]], reply, Ct)));

        var failed = results.Where(r => !r.Ok).Select(r => $"{r.Api}: {r.Error}").ToList();
        Assert.True(failed.Count == 0, $"{failed.Count} chats failed, the first: {failed.FirstOrDefault()}\n"
            + $"--- the delegating node's log:\n{ReadShared(logs.Combine("t.log"))}\n--- the host's log:\n{ReadShared(logs.Combine("h.log"))}");
        Assert.All(results, r => Assert.Equal(20, r.Tokens));
        Assert.Equal(Chats, ollama.Completed);
    }

    [Fact]
    public async Task IdleConnectionsHeld_AUserStillGetsTheStatusAndAChat()
    {
        var reply = Words(20);
        var options = Only(Model);
        options.Reply = reply;
        await using var ollama = await FixtureAsync(options);
        await using var host = await StartAsync("h", ollama.BaseAddress.ToString());
        await using var delegator = await StartAsync("t", NoLlm, [host]);
        await UntilRoutableAsync(delegator, host);
        var authority = delegator.BaseAddress.Authority;

        await using var idle = await IdleConnections.OpenAsync(new IPEndPoint(IPAddress.Loopback, delegator.BaseAddress.Port), Idle,
            [IdleProfile.Silent, IdleProfile.AfterRequest(authority), IdleProfile.PartialRequest(authority)], reopen: false, Ct);
        Assert.Equal(Idle, idle.Held);
        using var client = await delegator.CreateLoggedInClientAsync();
        var status = await client.GetAsync("/api/status", Ct);
        var chats = await Task.WhenAll(s_apis.Select(api => LoadChat.SendAsync(client, delegator.BaseAddress, api, LoadChat.Body(api, Model, "hi"), reply, Ct)));

        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        Assert.Empty(chats.Where(r => !r.Ok).Select(r => $"{r.Api}: {r.Error}"));
        Assert.Empty(idle.OpenFailures);
    }

    /// <summary>Logs links coming and going to <paramref name="path"/>, so a failure shows whether the host's link dropped under the load.</summary>
    private static Dictionary<string, string?> LinkLog(string path) => new()
    {
        ["Telemetry:LogFile"] = path,
        ["Logging:LogLevel:MeshMind.Mesh.Links"] = "Information",
    };

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return new StreamReader(stream).ReadToEnd();
    }

    private static string Words(int count) => string.Join(' ', Enumerable.Range(1, count).Select(i => $"w{i}"));
}
