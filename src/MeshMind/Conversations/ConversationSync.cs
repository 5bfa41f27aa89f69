using System.Text.Json;
using System.Threading.Channels;
using MeshMind.Knowledge.Answers;
using MeshMind.Knowledge.Api;
using MeshMind.Mesh;
using MeshMind.Mesh.Links;
using MeshMind.Mesh.Peers;
using MeshMind.Node;
using Microsoft.Extensions.Options;

namespace MeshMind.Conversations;

/// <summary>
/// Shares conversation history over the links (seed §5.2, DESIGN §4): this node's <c>local.json</c> when a link comes
/// up, then each new exchange as a <c>conversation_delta</c>; stores what peers send, per peer node id.
/// <see cref="ConversationOptions.Share"/> turns sending off; receiving always works. A participant of the mesh.
/// </summary>
internal sealed partial class ConversationSync(
    ConversationStore store,
    MeshLinks links,
    PeerDirectory peers,
    NodeInfo node,
    IOptions<ConversationOptions> options,
    ILogger<ConversationSync> logger) : BackgroundService, IMeshParticipant
{
    public const string FileName = "local.json";

    /// <summary>Exchanges sent in <c>local.json</c> at most; fewer when they would not fit in one link message.</summary>
    public const int MaxFileExchanges = 500;

    private const int MaxFileBytes = 900 * 1024;
    private const int MaxDeltaExchanges = 100;
    private const int MaxTextLength = 200_000;
    private const int MaxSources = 50;
    private const int MaxSnippetLength = 4_000;

    private readonly Channel<Func<CancellationToken, Task>> _work = Channel.CreateBounded<Func<CancellationToken, Task>>(
        new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        store.Saved += OnSaved;
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        store.Saved -= OnSaved;
        await base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var work in _work.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await work(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogSyncFailed(ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    public void LinkUp(string nodeId)
    {
        if (options.Value.Share)
        {
            _work.Writer.TryWrite(async token => links.Send(nodeId, new ConversationFileMessage(FileName, await LocalFileAsync(token))));
        }
    }

    private void OnSaved(Exchange exchange)
    {
        if (options.Value.Share)
        {
            links.Broadcast(new ConversationDeltaMessage([exchange]));
        }
    }

    public void LinkDown(string nodeId)
    {
    }

    public void Received(string nodeId, LinkMessage message)
    {
        switch (message)
        {
            case ConversationFileMessage { Name: FileName } file:
                _work.Writer.TryWrite(async token =>
                {
                    var exchanges = JsonSerializer.Deserialize(file.Content, ConversationJsonContext.Default.ListExchange) ?? [];
                    await store.StorePeerAsync(nodeId, PeerName(nodeId), Clean(exchanges.Take(MaxFileExchanges)), replace: true, token);
                });
                break;
            case ConversationDeltaMessage delta:
                _work.Writer.TryWrite(token => store.StorePeerAsync(nodeId, PeerName(nodeId), Clean(delta.Messages.Take(MaxDeltaExchanges)), replace: false, token));
                break;
        }
    }

    /// <summary>This node's newest exchanges as <c>local.json</c>, trimmed to fit one link message.</summary>
    private async Task<string> LocalFileAsync(CancellationToken cancellationToken)
    {
        var recent = (await store.RecentAsync(MaxFileExchanges, cancellationToken)).ToList();
        while (true)
        {
            var content = JsonSerializer.Serialize(recent, ConversationJsonContext.Default.ListExchange);
            if (content.Length <= MaxFileBytes || recent.Count == 0)
            {
                return content;
            }

            recent.RemoveRange(recent.Count / 2, recent.Count - (recent.Count / 2));
        }
    }

    private string PeerName(string nodeId) => peers.Find(nodeId)?.Name ?? "";

    /// <summary>
    /// A peer's exchanges are data from outside: drop malformed ones and cap every text. A source's link is made here from
    /// its node id and file name (the peer's own link is relative to the peer, and a link from outside is not followed).
    /// </summary>
    private List<Exchange> Clean(IEnumerable<Exchange?> exchanges) =>
        [.. exchanges.OfType<Exchange>()
            .Where(e => e.Id is { Length: > 0 and <= 100 } && e.ConversationId is { Length: <= 100 } && e.Host is not null)
            .Select(e => e with
            {
                Question = Cap(e.Question),
                Answer = Cap(e.Answer),
                Model = Cap(e.Model, 200),
                Error = e.Error is null ? null : Cap(e.Error, 2000),
                Host = e.Host with { NodeId = Cap(e.Host.NodeId, 64), Name = Cap(e.Host.Name, 200), Ip = Cap(e.Host.Ip, 64) },
                Sources = CleanSources(e.Sources),
            })];

    private List<KnowledgeSource>? CleanSources(IReadOnlyList<KnowledgeSource?>? sources) =>
        sources is null ? null :
        [.. sources.OfType<KnowledgeSource>()
            .Where(s => IsNodeId(s.NodeId) && s.File is { Length: > 0 and <= 255 })
            .Take(MaxSources)
            .Select(s => new KnowledgeSource(s.Number, s.NodeId, Cap(s.Node, 200), s.File, Cap(s.Snippet, MaxSnippetLength),
                SearchApi.DownloadUrl(node, s.NodeId, s.File)))];

    /// <summary>A node id as <see cref="NodeIdentity"/> makes them: 64 lowercase hex digits.</summary>
    private static bool IsNodeId(string? id) => id is { Length: 64 } && id.AsSpan().IndexOfAnyExcept(s_hexDigits) < 0;

    private static readonly System.Buffers.SearchValues<char> s_hexDigits = System.Buffers.SearchValues.Create("0123456789abcdef");

    private static string Cap(string? text, int length = MaxTextLength) => text is null ? "" : text.Length <= length ? text : text[..length];

    [LoggerMessage(EventId = 700, Level = LogLevel.Warning, Message = "Conversation sync step failed: {Reason}")]
    private partial void LogSyncFailed(string reason);
}
