using System.Diagnostics;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MeshMind.Lab.Lab;

namespace MeshMind.Lab.Eval;

internal sealed partial class EvalRunner
{
    /// <summary>
    /// Uploads a probe to up to three nodes other than the entry (a lab), or to the entry itself (one node given: then the proxy
    /// path is measured on files its peers share), and waits until the entry lists them.
    /// </summary>
    private async Task UploadProbesAsync(CancellationToken cancellationToken)
    {
        var holders = _targets.Count > 1 ? _targets.Skip(1).Take(MaxProbes).ToList() : [Entry];
        foreach (var holder in holders)
        {
            var probe = new Probe(holder, ProbeName(), ProbeBytes);
            using var content = new MultipartFormDataContent { { new ByteArrayContent(RandomNumberGenerator.GetBytes((int)ProbeBytes)), "file", probe.Name } };
            try
            {
                using var response = await holder.Client.PostAsync("/api/upload", content, cancellationToken);
                if (!response.IsSuccessStatusCode)
                {
                    Note($"could not upload the probe file to {holder.Name} ({(int)response.StatusCode})");
                    continue;
                }
            }
            catch (HttpRequestException ex)
            {
                Note($"could not upload the probe file to {holder.Name} ({ex.Message})");
                continue;
            }

            _probes.Add(probe);
        }

        var wait = Stopwatch.StartNew();
        while (wait.Elapsed < TimeSpan.FromSeconds(20))
        {
            var files = await ListAsync(cancellationToken);
            foreach (var probe in _probes)
            {
                var entry = files.FirstOrDefault(f => f.GetProperty("name").GetString() == probe.Name && !f.GetProperty("local").GetBoolean());
                probe.DownloadUrl = entry.ValueKind == JsonValueKind.Object ? entry.GetProperty("download_url").GetString() : null;
            }

            if (_targets.Count == 1)
            {
                // One node: any small file a peer shares is a proxy target.
                foreach (var file in files.Where(f => !f.GetProperty("local").GetBoolean() && f.GetProperty("size").GetInt64() <= 4 * 1024 * 1024).Take(MaxProbes))
                {
                    _probes.Add(new Probe(Entry with { Name = file.GetProperty("origin").GetProperty("name").GetString() ?? "peer" }, file.GetProperty("name").GetString()!,
                        file.GetProperty("size").GetInt64()) { DownloadUrl = file.GetProperty("download_url").GetString() });
                }

                break;
            }

            if (_probes.All(p => p.DownloadUrl is not null))
            {
                break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }

        if (!_probes.Any(p => p.DownloadUrl is not null))
        {
            Note(_targets.Count == 1 ? "no peer of this node shares a file of 4 MiB or less: proxied downloads not measured"
                : "the entry node never listed the probe files: proxied downloads not measured");
        }
    }

    private async Task<List<JsonElement>> ListAsync(CancellationToken cancellationToken)
    {
        using var response = await Entry.Client.GetAsync("/api/files", cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return [];
        }

        var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        return [.. body.GetProperty("files").EnumerateArray()];
    }

    /// <summary>Deletes the probes eval uploaded (a holder that is down keeps its probe; it is named so it can be found).</summary>
    private async Task RemoveProbesAsync()
    {
        // A lab node killed near the end is back after the lab's restart delay: its probe is retried for a while.
        var deadline = Stopwatch.StartNew();
        foreach (var probe in _probes.Where(p => p.Name.StartsWith("meshmind-eval-probe-", StringComparison.Ordinal)))
        {
            while (true)
            {
                try
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                    using var response = await probe.Holder.Client.DeleteAsync("/api/files/" + Uri.EscapeDataString(probe.Name), timeout.Token);
                    if (!response.IsSuccessStatusCode)
                    {
                        Note($"could not remove the probe {probe.Name} from {probe.Holder.Name} ({(int)response.StatusCode})");
                    }

                    break;
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    if (_options.Lab is null || deadline.Elapsed > TimeSpan.FromSeconds(30))
                    {
                        Note($"could not remove the probe {probe.Name} from {probe.Holder.Name}: it did not answer");
                        break;
                    }

                    await Task.Delay(TimeSpan.FromSeconds(1));
                }
            }
        }
    }

    private static bool Running(long end, CancellationToken cancellationToken) => !cancellationToken.IsCancellationRequested && Stopwatch.GetTimestamp() < end;

    private void Record(Operation operation, bool viaEntry = true)
    {
        _operations.Enqueue(operation);
        if (operation.Ok && viaEntry)
        {
            Interlocked.Exchange(ref _lastEntrySuccess, Stopwatch.GetTimestamp());
        }
    }

    private async Task FilesAsync(long end, CancellationToken cancellationToken)
    {
        while (Running(end, cancellationToken))
        {
            var (t, start) = (Now(), Stopwatch.GetTimestamp());
            string? error = null;
            try
            {
                using var response = await Entry.Client.GetAsync("/api/files", HttpCompletionOption.ResponseContentRead, cancellationToken);
                error = response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode}";
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                error = ex.GetType().Name;
            }

            Record(new Operation(t, "files", Entry.Name, error is null, Since(start), Error: error));
            await Pause(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }

    private async Task ProxyAsync(long end, CancellationToken cancellationToken)
    {
        var probes = _probes.Where(p => p.DownloadUrl is not null).ToList();
        for (var i = 0; probes.Count > 0 && Running(end, cancellationToken); i++)
        {
            var probe = probes[i % probes.Count];
            var (t, start) = (Now(), Stopwatch.GetTimestamp());
            string? error;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(15));
                var bytes = await Entry.Client.GetByteArrayAsync(probe.DownloadUrl, timeout.Token);
                error = bytes.Length == probe.Size ? null : $"{bytes.Length} of {probe.Size} bytes";
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                error = ex is HttpRequestException { StatusCode: { } code } ? $"HTTP {(int)code}" : ex.GetType().Name;
            }

            Record(new Operation(t, "proxy", probe.Holder.Name, error is null, Since(start), Error: error));
            await Pause(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }

    /// <summary>One stream at a time: a chat through the entry's Ollama-compatible API, timed to its first token and its end.</summary>
    private async Task ChatAsync(int worker, long end, CancellationToken cancellationToken)
    {
        for (var i = 0; Running(end, cancellationToken); i++)
        {
            var (t, start) = (Now(), Stopwatch.GetTimestamp());
            double? ttft = null;
            double? rate = null;
            int? tokens = null;
            string? host = null;
            string? error = null;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(60));
                using var request = new HttpRequestMessage(HttpMethod.Post, "/ollama/api/chat")
                {
                    Content = JsonContent.Create(new
                    {
                        model = _model,
                        stream = true,
                        messages = new[] { new { role = "user", content = $"Evaluation question {worker}.{i}: what is a mesh network?" } },
                    }),
                };
                using var response = await Entry.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                host = response.Headers.TryGetValues("X-MeshMind-Host", out var hosts) ? hosts.FirstOrDefault() : null;
                if (!response.IsSuccessStatusCode)
                {
                    error = $"HTTP {(int)response.StatusCode}";
                }
                else
                {
                    using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token), Encoding.UTF8);
                    var done = false;
                    while (!done && await reader.ReadLineAsync(timeout.Token) is { } line)
                    {
                        using var json = JsonDocument.Parse(line);
                        var root = json.RootElement;
                        if (root.TryGetProperty("error", out var failed))
                        {
                            error = failed.GetString() ?? "error";
                            break;
                        }

                        if (ttft is null && root.TryGetProperty("message", out var message) && message.GetProperty("content").GetString() is { Length: > 0 })
                        {
                            ttft = Since(start);
                        }

                        done = root.TryGetProperty("done", out var d) && d.GetBoolean();
                        if (done && root.TryGetProperty("eval_count", out var count) && root.TryGetProperty("eval_duration", out var duration) && duration.GetDouble() > 0)
                        {
                            tokens = count.GetInt32();
                            rate = count.GetDouble() / (duration.GetDouble() / 1e9);
                        }
                    }

                    error ??= done ? null : "the answer ended without done";
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException or JsonException && !cancellationToken.IsCancellationRequested)
            {
                error = ex is TaskCanceledException ? "no answer in 60 s" : ex.GetType().Name;
            }

            host = host is null ? null : _hostNames.GetValueOrDefault(host, host.Length > 12 ? host[..12] : host);
            Record(new Operation(t, "chat", Entry.Name, error is null, Since(start), host, ttft, rate, tokens, error));
            if (error is not null)
            {
                await Pause(TimeSpan.FromMilliseconds(250), cancellationToken);
            }
        }
    }

    /// <summary>Stops the evaluation when the entry node has answered nothing for a while (it died, or its network did).</summary>
    private async Task WatchEntryAsync(long end, CancellationTokenSource run)
    {
        while (Running(end, run.Token))
        {
            await Pause(TimeSpan.FromMilliseconds(500), run.Token);
            if (Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastEntrySuccess)) > s_entryDeadAfter)
            {
                _entryLost = $"the entry node {Entry.Name} at {Entry.Url} answered nothing for {s_entryDeadAfter.TotalSeconds:0} s (did it stop?)";
                await run.CancelAsync();
                return;
            }
        }
    }

    /// <summary>With a lab: kills (SIGKILL) an LLM host other than the entry at 30 % of the load, another node at 65 %; the lab restarts them.</summary>
    private async Task ChurnAsync(CancellationToken cancellationToken)
    {
        var others = _targets.Skip(1).ToList();
        var first = others.FirstOrDefault(t => t.HasLlm && others.Count(o => o.HasLlm) > 1) ?? others.FirstOrDefault(t => !t.HasLlm) ?? others.FirstOrDefault();
        var second = others.FirstOrDefault(t => t != first && !t.HasLlm) ?? others.FirstOrDefault(t => t != first);
        var load = _options.Duration;
        var plan = new[] { (At: load * 0.3, Node: first), (At: load * 0.65, Node: second) };
        var started = Stopwatch.StartNew();
        foreach (var (at, node) in plan)
        {
            if (node is null)
            {
                continue;
            }

            await Pause(at - started.Elapsed, cancellationToken);
            if (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            // The lab rewrites lab.json with a node's new process id when it restarts it.
            var pid = LabFile.Read(_options.Lab!).Entries?.FirstOrDefault(e => e.Name == node.Name)?.Pid;
            try
            {
                using var process = pid is { } id ? Process.GetProcessById(id) : null;
                if (process is null)
                {
                    Note($"churn: {node.Name} has no process id in lab.json; not killed");
                    continue;
                }

                process.Kill(entireProcessTree: true);
                _events.Enqueue(new LabEvent(Now(), "kill", node.Name, "eval --churn"));
            }
            catch (ArgumentException)
            {
                Note($"churn: {node.Name} (process {pid}) is not running; not killed");
            }
        }
    }

    private async Task SampleAsync(long end, CancellationToken cancellationToken)
    {
        while (true)
        {
            await SampleOnceAsync(cancellationToken);
            if (!Running(end, cancellationToken))
            {
                return;
            }

            await Pause(TimeSpan.FromSeconds(1), cancellationToken);
        }
    }

    private async Task SampleOnceAsync(CancellationToken cancellationToken)
    {
        var t = Now();
        var phase = _phase;
        await Task.WhenAll(_targets.Select(async target =>
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(3));
                var text = await target.Client.GetStringAsync("/metrics", timeout.Token);
                _samples.Enqueue(NodeSample.From(t, target.Name, phase, Prometheus.Parse(text)));
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                _samples.Enqueue(NodeSample.Down(t, target.Name, phase));
            }
        }).Append(_options.Lab is null ? SamplePeersAsync(t, phase, cancellationToken) : Task.CompletedTask));
    }

    /// <summary>
    /// Against one node of a mesh (<c>--node</c>), the other nodes' CPU, memory and network bytes as each reports its own
    /// to the entry node (<c>GET /api/resources</c>); eval holds no key for them, so their <c>/metrics</c> are out of reach.
    /// </summary>
    private async Task SamplePeersAsync(long t, string phase, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            using var response = await Entry.Client.GetAsync("/api/resources", timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                return; // an older node without the route: its peers' resources are not measured
            }

            using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(timeout.Token));
            foreach (var node in json.RootElement.GetProperty("nodes").EnumerateArray().Skip(1))
            {
                var name = PeerName(node.GetProperty("node_id").GetString() ?? "", node.GetProperty("name").GetString() ?? "");
                var channels = node.GetProperty("network_bytes").EnumerateObject().ToDictionary(c => c.Name, c => c.Value.GetDouble());
                _samples.Enqueue(new NodeSample(t, name, phase, true, node.GetProperty("cpu_seconds").GetDouble(),
                    node.GetProperty("working_set_bytes").GetDouble(), channels, 0, 0, 0, 0));
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException
            or KeyNotFoundException or InvalidOperationException)
        {
            // The entry node's own sample says whether it answered; a peer missing from one reading has no sample then.
        }
    }

    /// <summary>A peer's name in the report: its own, unless the entry or another peer already goes by it.</summary>
    private string PeerName(string nodeId, string name)
    {
        lock (_peerNames)
        {
            if (_peerNames.TryGetValue(nodeId, out var known))
            {
                return known;
            }

            var unique = name == Entry.Name || _peerNames.ContainsValue(name) ? $"{name} ({nodeId[..Math.Min(6, nodeId.Length)]})" : name;
            _peerNames[nodeId] = unique;
            return unique;
        }
    }

    private static async Task Pause(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            // The loop's condition sees the cancellation.
        }
    }
}
