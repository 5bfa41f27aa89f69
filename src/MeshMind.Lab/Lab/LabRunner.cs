using System.Diagnostics;
using MeshMind.FakeOllama;

namespace MeshMind.Lab.Lab;

/// <summary>
/// <c>meshmind lab</c>: starts N nodes as child processes on this machine (loopback only, no root), K of them backed by a
/// simulated LLM host served in this process; writes <c>lab.json</c> once every node is linked to every other; restarts a node
/// that dies after <see cref="LabOptions.RestartAfter"/>; plays the scenario; stops everything on Ctrl+C or SIGTERM.
/// </summary>
internal sealed class LabRunner : IAsyncDisposable
{
    public const string FileName = "lab.json";
    private static readonly TimeSpan s_linkTimeout = TimeSpan.FromSeconds(60);

    private readonly LabOptions _options;
    private readonly TextWriter _out;
    private readonly List<FakeOllamaServer> _hosts = [];
    private readonly List<LabNode> _nodes = [];
    private readonly List<Task> _restarts = [];
    private readonly CancellationTokenSource _stopping = new();
    private LabSetup _setup = null!;
    private bool _ownsDir;

    private LabRunner(LabOptions options, TextWriter output)
    {
        _options = options;
        _out = output;
    }

    public static async Task<int> RunAsync(LabOptions options, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (options.Validate() is { } problem)
        {
            await error.WriteLineAsync($"meshmind lab: {problem}");
            return 2;
        }

        await using var lab = new LabRunner(options, output);
        try
        {
            await lab.StartAsync(cancellationToken);
            await lab.PlayAsync(cancellationToken);
            return 0;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await output.WriteLineAsync("meshmind lab: stopping every node");
            return 0;
        }
        catch (LabException ex)
        {
            await error.WriteLineAsync($"meshmind lab: {ex.Message}");
            return 1;
        }
    }

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        _ownsDir = _options.Dir is null;
        var dir = Path.GetFullPath(_options.Dir ?? Path.Combine(Path.GetTempPath(), "meshmind-lab-" + Guid.NewGuid().ToString("N")[..8]));
        Directory.CreateDirectory(dir);
        File.Delete(Path.Combine(dir, FileName));
        File.Delete(Path.Combine(dir, LabEvent.FileName));
        var command = LabSetup.DefaultNodeCommand();
        if (command[^1].Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal) && !File.Exists(command[^1]))
        {
            throw new LabException($"no meshmind executable at {command[^1]}; set MESHMIND_LAB_NODE to one, or run `meshmind lab`");
        }

        _setup = LabSetup.Create(dir, command);
        for (var i = 0; i < _options.LlmHosts; i++)
        {
            var slow = _options.Scenario == LabScenario.SlowHost && i == 0;
            _hosts.Add(await FakeOllamaServer.StartAsync(new FakeOllamaOptions
            {
                Reply = "MeshMind lab: a simulated answer streamed token by token, as an LLM host would stream it to the mesh.",
                Gpu = new GpuOptions
                {
                    Slots = _options.Slots,
                    TokensPerSecond = slow ? _options.TokensPerSecond / 5 : _options.TokensPerSecond,
                    LoadTime = TimeSpan.FromMilliseconds(500),
                },
            }, cancellationToken: cancellationToken));
        }

        var firstHost = _options.Nodes - _options.LlmHosts;
        for (var i = 0; i < _options.Nodes; i++)
        {
            var node = new LabNode(_setup, $"lab-{i + 1}", i >= firstHost ? _hosts[i - firstHost].BaseAddress.ToString().TrimEnd('/') : null);
            node.Exited += OnExited;
            _nodes.Add(node);
        }

        var started = Stopwatch.StartNew();
        try
        {
            await Task.WhenAll(_nodes.Select(n => n.StartAsync(cancellationToken)));
            await Task.WhenAll(_nodes.Select(async n => n.ApiKey = await NodeClient.CreateApiKeyAsync(n.Url!, LabSetup.Username, _setup.Password, cancellationToken)));
        }
        catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException or TimeoutException)
        {
            throw new LabException($"a node did not start: {ex.Message}");
        }

        await WaitLinkedAsync(cancellationToken);
        WriteLabFile();
        LabEvent.Append(dir, new LabEvent(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), "linked", "*", $"{_nodes.Count} nodes in {started.ElapsedMilliseconds} ms"));
        await _out.WriteLineAsync($"meshmind lab: {_nodes.Count} nodes linked in {started.Elapsed.TotalSeconds:0.0} s; {Path.Combine(dir, FileName)}");
        await _out.WriteLineAsync($"  login: {LabSetup.Username} / {_setup.Password}    scenario: {_options.Scenario}");
        foreach (var node in _nodes)
        {
            await _out.WriteLineAsync($"  {node.Name,-8} {node.Url}app/  {(node.OllamaUrl is null ? "" : "LLM host (simulated)")}");
        }

        await _out.WriteLineAsync("Press Ctrl+C to stop every node" + (_ownsDir ? " and delete " + dir : "") + ".");
    }

    private async Task WaitLinkedAsync(CancellationToken cancellationToken)
    {
        var clients = _nodes.Select(n => NodeClient.Create(n.Url!, n.ApiKey, TimeSpan.FromSeconds(5))).ToList();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(s_linkTimeout);
            while (true)
            {
                var statuses = await Task.WhenAll(clients.Select(c => NodeClient.StatusAsync(c, timeout.Token)));
                if (statuses.All(s => s?.PeerCount == _nodes.Count - 1))
                {
                    return;
                }

                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(100), timeout.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    var counts = string.Join(", ", _nodes.Zip(statuses, (n, s) => $"{n.Name}: {s?.PeerCount.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no answer"}"));
                    throw new LabException($"the nodes were not all linked after {s_linkTimeout.TotalSeconds:0} s (peers linked: {counts}); see nodes/*/node.log in {_setup.Dir}");
                }
            }
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    private async Task PlayAsync(CancellationToken cancellationToken)
    {
        var random = new Random();
        while (true)
        {
            await Task.Delay(_options.Scenario is LabScenario.Churn or LabScenario.HostDies ? _options.ChurnEvery : Timeout.InfiniteTimeSpan, cancellationToken);
            if (_options.Scenario == LabScenario.Churn)
            {
                var candidates = _nodes.Skip(1).Where(n => n.Running).ToList();
                if (candidates.Count > 0)
                {
                    await KillAsync(candidates[random.Next(candidates.Count)], "scenario churn");
                }
            }
            else
            {
                await KillBusyHostAsync(cancellationToken);
            }
        }
    }

    /// <summary>Kills an LLM host other than the first node while its simulated GPU is answering (or after a wait, anyway).</summary>
    private async Task KillBusyHostAsync(CancellationToken cancellationToken)
    {
        var hosts = _nodes.Skip(1).Where(n => n.OllamaUrl is not null && n.Running).ToList();
        if (hosts.Count == 0)
        {
            return;
        }

        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < _options.ChurnEvery)
        {
            var busy = hosts.FirstOrDefault(n => _hosts.First(h => h.BaseAddress.ToString().TrimEnd('/') == n.OllamaUrl).Gpu?.Active > 0);
            if (busy is not null)
            {
                await KillAsync(busy, "scenario host-dies: killed mid-answer");
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
        }

        await KillAsync(hosts[0], "scenario host-dies: killed idle (no answer in progress)");
    }

    private async Task KillAsync(LabNode node, string why)
    {
        LabEvent.Append(_setup.Dir, new LabEvent(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), "kill", node.Name, why));
        await _out.WriteLineAsync($"meshmind lab: killed {node.Name} ({why}); restarting in {_options.RestartAfter.TotalSeconds:0.#} s");
        await node.KillAsync();
    }

    private void OnExited(LabNode node)
    {
        if (_stopping.IsCancellationRequested || node.ApiKey is null)
        {
            return;
        }

        LabEvent.Append(_setup.Dir, new LabEvent(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), "exit", node.Name));
        lock (_restarts)
        {
            _restarts.RemoveAll(t => t.IsCompleted);
            _restarts.Add(RestartAsync(node));
        }
    }

    private async Task RestartAsync(LabNode node)
    {
        try
        {
            await Task.Delay(_options.RestartAfter, _stopping.Token);
            await node.StartAsync(_stopping.Token);
            LabEvent.Append(_setup.Dir, new LabEvent(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), "restart", node.Name));
            WriteLabFile();
            await _out.WriteLineAsync($"meshmind lab: {node.Name} restarted");
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // The lab is stopping.
        }
        catch (InvalidOperationException ex)
        {
            await _out.WriteLineAsync($"meshmind lab: {node.Name} did not restart: {ex.Message}");
        }
    }

    private void WriteLabFile()
    {
        lock (_nodes)
        {
            LabFile.Write(Path.Combine(_setup.Dir, FileName),
                _nodes.Select(n => new LabEntry(n.Name, n.Url!.ToString().TrimEnd('/'), n.ApiKey!, n.OllamaUrl is not null, n.ProcessId)));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        Task[] restarts;
        lock (_restarts)
        {
            restarts = [.. _restarts];
        }

        await Task.WhenAll(restarts);
        await Task.WhenAll(_nodes.Select(n => n.StopAsync(TimeSpan.FromSeconds(5))));
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }

        if (_ownsDir && _setup is not null)
        {
            try
            {
                Directory.Delete(_setup.Dir, recursive: true);
            }
            catch (IOException)
            {
                // A file still held: the temporary folder stays.
            }
        }
        else if (_setup is not null)
        {
            File.Delete(Path.Combine(_setup.Dir, FileName));
        }

        _stopping.Dispose();
    }
}

/// <summary>Why the lab could not start, in one sentence for the operator.</summary>
internal sealed class LabException(string message) : Exception(message);
