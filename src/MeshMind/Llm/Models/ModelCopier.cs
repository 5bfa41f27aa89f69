using System.Net;
using System.Text.Json;
using MeshMind.Llm.Local;
using MeshMind.Llm.Peers;
using MeshMind.Llm.Routing;
using MeshMind.Mesh.Peers;
using MeshMind.Mesh.Transport;
using MeshMind.Node;
using Microsoft.Extensions.Options;

namespace MeshMind.Llm.Models;

/// <summary>
/// Copies a model from a peer's Ollama into this node's (issue 17): reads the peer's manifest, fetches each blob this node
/// lacks over the mesh into a partial file, verified block by block as it arrives and as a whole against its digest, and
/// installs it: straight into the models directory when this process can write there (blobs, then the manifest, each
/// written to a temporary file and renamed), otherwise through the local Ollama's <c>/api/blobs</c> and <c>/api/create</c>.
/// Every other linked peer whose inventory lists the same manifest digest serves blocks too (<see cref="ModelCopySources"/>).
/// </summary>
/// <remarks>
/// A copy that stops (cancelled, cut, the node killed) keeps its verified blocks: the next copy of the model re-checks the
/// partial file against the block list and fetches only the rest. Nothing that failed a check is ever installed.
/// </remarks>
internal sealed partial class ModelCopier : IDisposable
{
    /// <summary>Partial blobs live here in the data directory, each with a <see cref="PartialBlob"/> beside it.</summary>
    public const string PartialsFolder = "model-copies";

    private readonly OllamaModelsDirectory _models;
    private readonly PeerDirectory _peers;
    private readonly PeerHttpClients _clients;
    private readonly LocalLlm _local;
    private readonly LlmLinkSync _sync;
    private readonly LlmHosts _hosts;
    private readonly ModelCopyMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<ModelCopier> _logger;
    private readonly HttpClient _ollama;
    private readonly string _partials;
    private readonly long _bytesPerSecond;
    private readonly TimeSpan _stallTimeout;
    private readonly Lock _lock = new();
    private readonly HashSet<string> _running = new(StringComparer.OrdinalIgnoreCase);

    public ModelCopier(OllamaModelsDirectory models, PeerDirectory peers, PeerHttpClients clients, LocalLlm local, LlmLinkSync sync, LlmHosts hosts,
        ModelCopyMetrics metrics, DataDirectory data, IOptions<LlmOptions> options, TimeProvider time, ILogger<ModelCopier> logger)
    {
        (_models, _peers, _clients, _local, _sync, _hosts, _metrics, _time, _logger) = (models, peers, clients, local, sync, hosts, metrics, time, logger);
        _partials = data.PathOf(PartialsFolder);
        _bytesPerSecond = options.Value.ModelCopyBytesPerSecond;
        _stallTimeout = options.Value.ModelCopyStallTimeout;
        _ollama = new HttpClient { BaseAddress = new Uri(options.Value.OllamaUrl.TrimEnd('/') + "/"), Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>A linked, admitted peer reachable on its mesh port, or null.</summary>
    public PeerInfo? LivePeer(string nodeId) =>
        _peers.Find(nodeId) is { LinkState: LinkState.Up, Revoked: false, MeshPort: > 0, Addresses.Count: > 0 } peer ? peer : null;

    /// <summary>The client for small requests to a peer's mesh port (HTTP/2).</summary>
    public HttpClient Client(PeerInfo peer) => _clients.HttpFor(peer.NodeId, peer.Addresses[0], peer.MeshPort);

    /// <summary>
    /// Reads <paramref name="name"/>'s manifest from <paramref name="from"/>. Returns the plan, or the status code and message
    /// to answer with before any progress is streamed (404: the peer has no such model; 502: the peer failed).
    /// </summary>
    public async Task<(ModelCopyPlan? Plan, int Status, string? Error)> PlanAsync(PeerInfo from, OllamaModelName name, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            using var response = await Client(from).GetAsync("/mesh/models/manifest?model=" + Uri.EscapeDataString(name.Display),
                HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return (null, StatusCodes.Status404NotFound, $"'{from.Name}' has no model '{name.Display}' in its Ollama models directory");
            }

            if (!response.IsSuccessStatusCode || response.Content.Headers.ContentLength > OllamaManifest.MaxBytes)
            {
                return (null, StatusCodes.Status502BadGateway, $"'{from.Name}' answered {(int)response.StatusCode} for the manifest of '{name.Display}'");
            }

            bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            return (null, StatusCodes.Status502BadGateway, $"'{from.Name}' could not be reached: {ex.Message}");
        }

        OllamaManifest? manifest;
        try
        {
            manifest = bytes.Length <= OllamaManifest.MaxBytes ? JsonSerializer.Deserialize(bytes, ModelCopyJsonContext.Default.OllamaManifest) : null;
        }
        catch (JsonException)
        {
            manifest = null;
        }

        if ((manifest is null ? "it is not JSON" : manifest.Problem()) is { } problem)
        {
            return (null, StatusCodes.Status502BadGateway, $"'{from.Name}' sent a manifest for '{name.Display}' that cannot be copied: {problem}");
        }

        return (new ModelCopyPlan(from, name, bytes, manifest!, OtherHolders(from, bytes)), StatusCodes.Status200OK, null);
    }

    /// <summary>
    /// The live peers other than <paramref name="from"/> whose models (the mesh's inventory, as <c>GET /api/models</c> lists it)
    /// include one with the digest of <paramref name="manifest"/>: the same manifest, hence the same blobs, whatever its name there.
    /// </summary>
    private List<PeerInfo> OtherHolders(PeerInfo from, byte[] manifest)
    {
        var digest = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(manifest));
        return [.. ModelInventory.Of(_hosts.Candidates())
            .Where(m => m.Digest == digest)
            .SelectMany(m => m.Nodes)
            .Where(n => !n.Local && n.NodeId != from.NodeId)
            .Select(n => LivePeer(n.NodeId))
            .OfType<PeerInfo>()
            .DistinctBy(p => p.NodeId)];
    }

    /// <summary>Claims the model for one copy at a time; false when a copy of it to this node is already under way.</summary>
    public bool TryStart(OllamaModelName name)
    {
        lock (_lock)
        {
            return _running.Add(name.Display);
        }
    }

    public void Finish(OllamaModelName name)
    {
        lock (_lock)
        {
            _running.Remove(name.Display);
        }
    }

    /// <summary>Runs a planned copy, telling <paramref name="report"/> how it goes; throws <see cref="ModelCopyException"/> when it fails.</summary>
    public async Task RunAsync(ModelCopyPlan plan, Func<ModelCopyProgress, Task> report, CancellationToken cancellationToken)
    {
        var direct = _models.IsWritable();
        var sources = new ModelCopySources(plan.From, plan.OtherHolders);
        LogStarting(plan.Name.Display, plan.From.Name, sources.Count - 1, direct ? _models.Root : _ollama.BaseAddress!.ToString());
        var texts = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var blob in plan.Manifest.Blobs())
        {
            var status = "copying " + BlobDigest.Short(blob.Digest);
            if (!direct && OllamaCreate.TextMediaTypes.Contains(blob.MediaType))
            {
                texts[blob.Digest] = await FetchSmallAsync(sources, blob, cancellationToken);
                await report(new ModelCopyProgress(status, blob.Digest, blob.Size, blob.Size));
                continue;
            }

            if (!direct && !OllamaCreate.BlobMediaTypes.Contains(blob.MediaType))
            {
                if (blob == plan.Manifest.Config)
                {
                    continue; // Ollama's /api/create writes its own config.
                }

                throw new ModelCopyException($"'{plan.Name.Display}' has a layer of type '{blob.MediaType}' that Ollama's /api/create cannot take; "
                    + $"let this node write to Ollama's models directory ({_models.Root}, Llm:OllamaModelsDir) to copy it");
            }

            if (direct ? _models.HasBlob(blob.Digest, blob.Size) : await OllamaHasBlobAsync(blob.Digest, cancellationToken))
            {
                await report(new ModelCopyProgress(status, blob.Digest, blob.Size, blob.Size));
                continue;
            }

            var partial = await FetchBlobAsync(sources, blob, status, report, cancellationToken);
            if (direct)
            {
                _models.InstallBlob(partial, blob.Digest);
            }
            else
            {
                await PushBlobAsync(partial, blob.Digest, cancellationToken);
                File.Delete(partial);
            }
        }

        if (direct)
        {
            await report(new ModelCopyProgress("writing manifest"));
            await _models.InstallManifestAsync(plan.Name, plan.ManifestBytes, cancellationToken);
        }
        else
        {
            await report(new ModelCopyProgress("creating model"));
            await CreateAsync(OllamaCreate.Request(plan.Name.Display, plan.Manifest, texts), cancellationToken);
        }

        // The model is Ollama's now; probe at once so this node lists it (and tells its peers) without waiting for the next probe.
        await _local.ProbeAsync(cancellationToken);
        _sync.PublishIfChanged();
        LogCopied(plan.Name.Display, plan.From.Name);
        await report(ModelCopyProgress.Success);
    }

    public void Dispose() => _ollama.Dispose();

    /// <summary>A small blob's bytes (a template, parameters), checked against its digest, from the first source that sends them.</summary>
    private async Task<byte[]> FetchSmallAsync(ModelCopySources sources, OllamaLayer blob, CancellationToken cancellationToken)
    {
        if (blob.Size > OllamaCreate.MaxTextBytes)
        {
            throw new ModelCopyException($"the {blob.MediaType} layer of the model is larger than {OllamaCreate.MaxTextBytes} bytes");
        }

        foreach (var from in sources.Live)
        {
            try
            {
                var bytes = await Client(from).GetByteArrayAsync("/mesh/models/blobs/" + blob.Digest, cancellationToken);
                if (Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)) == BlobDigest.Hex(blob.Digest))
                {
                    return bytes;
                }

                Drop(sources, from, blob.Digest, "sent bytes that do not match the digest");
            }
            catch (HttpRequestException ex)
            {
                Drop(sources, from, blob.Digest, $"failed: {ex.Message}");
            }
        }

        throw new ModelCopyException($"no peer that holds {blob.Digest} sent it ({sources.Why()})");
    }
}
