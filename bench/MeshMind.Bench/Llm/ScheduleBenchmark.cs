using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MeshMind.FakeOllama;

namespace MeshMind.Bench.Llm;

/// <summary>
/// <c>schedule</c> (issue 17): the same workload through node T (no LLM of its own) for each <c>Llm:Routing</c> strategy,
/// interleaved, on three simulated GPU hosts of different speed and slots (each a real node with a <see cref="GpuSimulation"/>
/// Ollama fixture). Users run multi-turn conversations in a closed loop with think time: a moderate phase, then an overload
/// phase. Prints aggregate tokens/s against the ideal, TTFT and completion percentiles, follow-up TTFT, and fairness.
/// </summary>
internal static class ScheduleBenchmark
{
    private const string Model = "llama3:latest";
    private const int Keys = 8;

    private static readonly (string Name, int Slots, double SaturatedTokensPerSecond, double PrefillTokensPerSecond)[] s_mixedHosts =
    [
        ("fast", 4, 300, 6_000),
        ("mid", 2, 120, 2_500),
        ("slow", 1, 40, 800),
    ];

    /// <summary>
    /// <c>--hosts equal</c>: three hosts alike, so no host is better by speed and only the cache tells them apart; with the
    /// mixed hosts the fastest takes nearly every chat at moderate load, and a follow-up finds its conversation there by
    /// chance, sticky or not.
    /// </summary>
    private static readonly (string Name, int Slots, double SaturatedTokensPerSecond, double PrefillTokensPerSecond)[] s_equalHosts =
    [
        ("a", 2, 120, 800),
        ("b", 2, 120, 800),
        ("c", 2, 120, 800),
    ];

    /// <summary>
    /// Prompts each host keeps cached: more than its slots, as hosts with prefix caching across requests keep them (vLLM's and
    /// SGLang's automatic prefix caching; Ollama keeps one a slot, so a busy Ollama host gains less from a conversation coming back).
    /// </summary>
    private const int CachedPrompts = 32;

    private static readonly (string Label, string Routing, bool Sticky)[] s_strategies =
    [
        ("meshmind", "meshmind", true),
        ("meshmind, not sticky", "meshmind", false),
        ("least-connections", "least-connections", true),
        ("round-robin", "round-robin", true),
        ("local-first", "local-first", true),
    ];

    public static async Task<int> RunAsync(string[] options)
    {
        var rounds = BenchArgs.Int(options, "--rounds", 1);
        var seconds = BenchArgs.Int(options, "--seconds", 40);
        var moderateUsers = BenchArgs.Int(options, "--moderate-users", 8);
        var overloadUsers = BenchArgs.Int(options, "--overload-users", 40);
        var replyTokens = BenchArgs.Int(options, "--reply-tokens", 120);
        var thinkMs = BenchArgs.Int(options, "--think-ms", 3_000);
        var overloadThinkMs = BenchArgs.Int(options, "--overload-think-ms", 300);
        var documentChars = BenchArgs.Int(options, "--document-chars", 2_000);
        var hostSet = BenchArgs.String(options, "--hosts", "mixed");
        var hostsOf = hostSet switch
        {
            "mixed" => s_mixedHosts,
            "equal" => s_equalHosts,
            _ => throw new ArgumentException($"--hosts must be mixed or equal, not '{hostSet}'"),
        };
        var only = BenchArgs.String(options, "--strategies", "");
        var strategies = only.Length == 0
            ? s_strategies
            : [.. s_strategies.Where(s => only.Split(',').Contains(s.Label.Replace(", ", "-", StringComparison.Ordinal).Replace(' ', '-'), StringComparer.Ordinal))];
        if (strategies.Length == 0)
        {
            throw new ArgumentException("--strategies names none of meshmind, meshmind-not-sticky, least-connections, round-robin, local-first");
        }

        var cancellationToken = CancellationToken.None;

        var reply = string.Join(' ', Enumerable.Range(1, replyTokens).Select(i => $"w{i}"));
        var fixtures = new List<FakeOllamaServer>();
        var hosts = new List<BenchNode>();
        try
        {
            foreach (var (name, slots, saturated, prefill) in hostsOf)
            {
                var fixture = await FakeOllamaServer.StartAsync(new FakeOllamaOptions
                {
                    Models = [new FakeModel(Model, "llama", "8.0B", 4_661_224_676)],
                    Loaded = [Model],
                    Reply = reply,
                    Gpu = new GpuOptions
                    {
                        Slots = slots, TokensPerSecond = saturated / Math.Sqrt(slots), ScalingExponent = 0.5, PrefillTokensPerSecond = prefill,
                        KeepAlive = TimeSpan.FromSeconds(-1), PrefixCacheEntries = CachedPrompts,
                    },
                }, "127.0.0.1", 0, cancellationToken);
                fixtures.Add(fixture);
                hosts.Add(await BenchNode.StartAsync(name, fixture.BaseAddress.ToString(), [], cancellationToken,
                    new Dictionary<string, string> { ["MESHMIND__Llm__MaxParallel"] = slots.ToString(CultureInfo.InvariantCulture) }));
            }

            var ideal = hostsOf.Sum(h => h.SaturatedTokensPerSecond);
            Console.WriteLine($"schedule: hosts {string.Join(", ", hostsOf.Select(h => $"{h.Name} {h.SaturatedTokensPerSecond:0} tokens/s over {h.Slots} slot(s), prompt {h.PrefillTokensPerSecond:0} tokens/s"))}");
            Console.WriteLine($"ideal aggregate {ideal:0} tokens/s; replies of {replyTokens} tokens; conversations of 3 turns, the first with a {documentChars:N0}-character document; {CachedPrompts} prompts cached a host");
            Console.WriteLine($"moderate: {moderateUsers} users, think {thinkMs} ms (mean); overload: {overloadUsers} users, think {overloadThinkMs} ms; {seconds} s each; {Keys} API keys shared by the users; {rounds} round(s), strategies interleaved");

            var results = strategies.ToDictionary(s => s.Label, _ => new List<PhaseResult>());
            for (var round = 1; round <= rounds; round++)
            {
                foreach (var (label, routing, sticky) in strategies)
                {
                    var seed = round * 1000;
                    await using var entry = await BenchNode.StartAsync("t", "http://127.0.0.1:9",
                        [.. hosts.SelectMany(h => new[] { "--peer", $"127.0.0.1:{h.MeshPort}" })], cancellationToken,
                        new Dictionary<string, string>
                        {
                            ["MESHMIND__Llm__Routing"] = routing,
                            ["MESHMIND__Llm__StickyConversations"] = sticky ? "true" : "false",
                        });
                    foreach (var host in hosts)
                    {
                        await entry.UntilServedByAsync(host.NodeId, Model, cancellationToken);
                    }

                    var keys = await KeysAsync(entry, cancellationToken);
                    var names = hosts.ToDictionary(h => h.NodeId, h => hostsOf[hosts.IndexOf(h)].Name);
                    using var moderateUse = SlotUse.Start(fixtures);
                    var moderate = await PhaseAsync(entry, keys, names, moderateUsers, thinkMs, seconds, documentChars, seed, cancellationToken);
                    var moderateSlots = await moderateUse.StopAsync();
                    using var overloadUse = SlotUse.Start(fixtures);
                    var overload = await PhaseAsync(entry, keys, names, overloadUsers, overloadThinkMs, seconds, documentChars, seed + 1, cancellationToken);
                    var overloadSlots = await overloadUse.StopAsync();
                    results[label].Add(moderate);
                    results[label].Add(overload);
                    Console.WriteLine($"  round {round}, {label}: moderate {moderate.Summary()}; overload {overload.Summary()}");
                    Console.WriteLine($"    slots in use (mean of 10 samples a second, per host: in a slot / of slots, waiting in the host's queue): "
                        + $"moderate {moderateSlots.Describe(hostsOf.Select(h => (h.Name, h.Slots)))}; overload {overloadSlots.Describe(hostsOf.Select(h => (h.Name, h.Slots)))}");
                }
            }

            Report(results, ideal, seconds);
            return 0;
        }
        finally
        {
            foreach (var host in hosts)
            {
                await host.DisposeAsync();
            }

            foreach (var fixture in fixtures)
            {
                await fixture.DisposeAsync();
            }
        }
    }

    private static async Task<List<string>> KeysAsync(BenchNode entry, CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        for (var i = 0; i < Keys; i++)
        {
            using var response = await entry.Http.PostAsJsonAsync("/api/keys", new Dictionary<string, string> { ["name"] = $"user-group-{i}" }, cancellationToken);
            response.EnsureSuccessStatusCode();
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            keys.Add(json.RootElement.GetProperty("key").GetString()!);
        }

        return keys;
    }

    /// <summary>Runs <paramref name="users"/> closed-loop users for <paramref name="seconds"/>; each finishes the chat it is in.</summary>
    private static async Task<PhaseResult> PhaseAsync(BenchNode entry, List<string> keys, Dictionary<string, string> hostNames, int users, int thinkMs,
        int seconds, int documentChars, int seed, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var end = TimeSpan.FromSeconds(seconds);
        var chats = new List<Chat>();
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1024 }) { BaseAddress = entry.Http.BaseAddress, Timeout = TimeSpan.FromMinutes(10) };
        var tasks = Enumerable.Range(0, users).Select(user => Task.Run(async () =>
        {
            var random = new Random(seed * 100 + user);
            var mine = new List<Chat>();
            var conversation = 0;
            while (clock.Elapsed < end)
            {
                conversation++;
                var document = Text(random, documentChars);
                var messages = new List<object> { new { role = "user", content = $"user {user} conversation {conversation}: {document} What does it say?" } };
                for (var turn = 1; turn <= 3 && clock.Elapsed < end; turn++)
                {
                    var chat = await ChatAsync(http, keys[user % keys.Count], messages, user, turn, clock, hostNames, cancellationToken);
                    mine.Add(chat);
                    if (!chat.Ok)
                    {
                        break;
                    }

                    messages.Add(new { role = "assistant", content = chat.Answer });
                    messages.Add(new { role = "user", content = $"And then? {Text(random, 80)}" });
                    await Task.Delay(TimeSpan.FromMilliseconds(-thinkMs * Math.Log(1 - random.NextDouble())), cancellationToken);
                }
            }

            lock (chats)
            {
                chats.AddRange(mine);
            }
        }, cancellationToken)).ToList();
        await Task.WhenAll(tasks);
        return new PhaseResult(users, seconds, chats);
    }

    private static async Task<Chat> ChatAsync(HttpClient http, string key, List<object> messages, int user, int turn, Stopwatch clock,
        Dictionary<string, string> hostNames, CancellationToken cancellationToken)
    {
        var started = clock.Elapsed;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/chat") { Content = JsonContent.Create(new { model = Model, messages, stream = true }) };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return new Chat(user, turn, started, null, clock.Elapsed, 0, "", null, false);
            }

            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
            TimeSpan? first = null;
            var answer = new StringBuilder();
            var tokens = 0;
            var prompt = 0;
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                using var json = JsonDocument.Parse(line);
                var root = json.RootElement;
                if (root.TryGetProperty("message", out var message) && message.GetProperty("content").GetString() is { Length: > 0 } content)
                {
                    first ??= clock.Elapsed;
                    answer.Append(content);
                }

                if (root.TryGetProperty("done", out var done) && done.GetBoolean())
                {
                    tokens = root.TryGetProperty("eval_count", out var count) ? count.GetInt32() : 0;
                    prompt = root.TryGetProperty("prompt_eval_count", out var evaluated) ? evaluated.GetInt32() : 0;
                }
            }

            var host = response.Headers.TryGetValues("X-MeshMind-Host", out var values) ? values.FirstOrDefault() : null;
            return new Chat(user, turn, started, first - started, clock.Elapsed, tokens, answer.ToString(),
                host is not null && hostNames.TryGetValue(host, out var name) ? name : host, first is not null && tokens > 0, prompt);
        }
        catch (HttpRequestException)
        {
            return new Chat(user, turn, started, null, clock.Elapsed, 0, "", null, false);
        }
    }

    private static string Text(Random random, int length)
    {
        const string letters = "abcdefghijklmnopqrstuvwxyz     ";
        return string.Create(length, random, (span, r) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = letters[r.Next(letters.Length)];
            }
        });
    }

    private static void Report(Dictionary<string, List<PhaseResult>> results, double ideal, int seconds)
    {
        Console.WriteLine();
        Console.WriteLine("| strategy | moderate TTFT p50 / p95 / p99 s | moderate completion p50 / p95 / p99 s | follow-up TTFT p50 / p95 / mean s | overload aggregate tokens/s (% of ideal) | overload TTFT p95 s | overload completion p95 s | lowest user ÷ median user | failed |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var (label, phases) in results)
        {
            var moderate = phases.Where((_, i) => i % 2 == 0).SelectMany(p => p.Chats.Where(c => c.Ok)).ToList();
            var overloads = phases.Where((_, i) => i % 2 == 1).ToList();
            var ttft = Percentiles.Of(moderate.Select(c => c.Ttft!.Value.TotalSeconds));
            var completion = Percentiles.Of(moderate.Select(c => (c.Ended - c.Started).TotalSeconds));
            var followUps = Percentiles.Of(moderate.Where(c => c.Turn > 1).Select(c => c.Ttft!.Value.TotalSeconds));
            var followUpMean = moderate.Where(c => c.Turn > 1).Select(c => c.Ttft!.Value.TotalSeconds).DefaultIfEmpty(double.NaN).Average();
            var aggregate = overloads.Average(p => p.AggregateTokensPerSecond);
            var overloadOk = overloads.SelectMany(p => p.Chats.Where(c => c.Ok)).ToList();
            var overloadTtft = Percentiles.Of(overloadOk.Select(c => c.Ttft!.Value.TotalSeconds));
            var overloadCompletion = Percentiles.Of(overloadOk.Select(c => (c.Ended - c.Started).TotalSeconds));
            var fairness = overloads.Average(p => p.LowestShareOfMedian);
            var failed = phases.Sum(p => p.Chats.Count(c => !c.Ok));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {label} | {ttft.P50:F2} / {ttft.P95:F2} / {ttft.P99:F2} | {completion.P50:F2} / {completion.P95:F2} / {completion.P99:F2} | {followUps.P50:F2} / {followUps.P95:F2} / {followUpMean:F2} | {aggregate:F0} ({aggregate / ideal * 100:F1} %) | {overloadTtft.P95:F2} | {overloadCompletion.P95:F2} | {fairness:F2} | {failed} |"));
        }

        Console.WriteLine();
        if (!results.TryGetValue("meshmind", out var mesh))
        {
            return;
        }

        double P95Ttft(List<PhaseResult> phases) => Percentiles.Of(phases.Where((_, i) => i % 2 == 0).SelectMany(p => p.Chats.Where(c => c.Ok)).Select(c => c.Ttft!.Value.TotalSeconds)).P95;
        double FollowUp(List<PhaseResult> phases) => phases.Where((_, i) => i % 2 == 0).SelectMany(p => p.Chats.Where(c => c.Ok && c.Turn > 1)).Select(c => c.Ttft!.Value.TotalSeconds).DefaultIfEmpty(double.NaN).Average();
        var aggregateShare = mesh.Where((_, i) => i % 2 == 1).Average(p => p.AggregateTokensPerSecond) / ideal;
        var lowest = mesh.Where((_, i) => i % 2 == 1).Min(p => p.LowestShareOfMedian);
        Console.WriteLine($"meshmind aggregate under overload: {aggregateShare * 100:F1} % of ideal (target ≥ 95 %): {Table.Verdict(aggregateShare >= 0.95)}");
        if (results.TryGetValue("round-robin", out var rr))
        {
            var ttftRatio = P95Ttft(mesh) / P95Ttft(rr);
            Console.WriteLine($"meshmind p95 TTFT at moderate load ÷ round robin's: {ttftRatio:F2} (target ≤ 0.5): {Table.Verdict(ttftRatio <= 0.5)}");
        }

        if (results.TryGetValue("meshmind, not sticky", out var notSticky))
        {
            var followUpRatio = FollowUp(mesh) / FollowUp(notSticky);
            Console.WriteLine($"mean follow-up TTFT at moderate load with stickiness ÷ without: {followUpRatio:F2} (target ≤ 0.5): {Table.Verdict(followUpRatio <= 0.5)}");
        }

        Console.WriteLine($"lowest user's share ÷ the median under overload (meshmind): {lowest:F2} (target ≥ 0.5): {Table.Verdict(lowest >= 0.5)}");
        Console.WriteLine($"({seconds} s a phase; aggregate counts the tokens of answers finished between 5 s into the phase and its end)");
    }

    private sealed record Chat(int User, int Turn, TimeSpan Started, TimeSpan? Ttft, TimeSpan Ended, int Tokens, string Answer, string? Host, bool Ok,
        int PromptTokens = 0);

    /// <summary>Samples each simulated host's requests in a slot and in its own queue, to see idle slots.</summary>
    private sealed class SlotUse : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task<(double[] Active, double[] Queued)> _sampling;

        private SlotUse(IReadOnlyList<FakeOllamaServer> fixtures) => _sampling = Task.Run(() => SampleAsync(fixtures));

        public static SlotUse Start(IReadOnlyList<FakeOllamaServer> fixtures) => new(fixtures);

        public async Task<SlotUse> StopAsync()
        {
            await _stop.CancelAsync();
            (Active, Queued) = await _sampling;
            return this;
        }

        public void Dispose() => _stop.Dispose();

        public double[] Active { get; private set; } = [];

        public double[] Queued { get; private set; } = [];

        public string Describe(IEnumerable<(string Name, int Slots)> hosts) =>
            string.Join(", ", hosts.Select((h, i) => string.Create(CultureInfo.InvariantCulture, $"{h.Name} {Active[i]:F2}/{h.Slots} +{Queued[i]:F2}")));

        private async Task<(double[], double[])> SampleAsync(IReadOnlyList<FakeOllamaServer> fixtures)
        {
            var active = new double[fixtures.Count];
            var queued = new double[fixtures.Count];
            var samples = 0;
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
            try
            {
                while (await timer.WaitForNextTickAsync(_stop.Token))
                {
                    for (var i = 0; i < fixtures.Count; i++)
                    {
                        active[i] += fixtures[i].Gpu!.Active;
                        queued[i] += fixtures[i].Gpu!.Queued;
                    }

                    samples++;
                }
            }
            catch (OperationCanceledException)
            {
                // The phase ended.
            }

            return ([.. active.Select(a => a / Math.Max(1, samples))], [.. queued.Select(q => q / Math.Max(1, samples))]);
        }
    }

    private sealed record PhaseResult(int Users, int Seconds, List<Chat> Chats)
    {
        private const double WarmUpSeconds = 5;

        public double AggregateTokensPerSecond =>
            Chats.Where(c => c.Ok && c.Ended.TotalSeconds >= WarmUpSeconds && c.Ended.TotalSeconds <= Seconds).Sum(c => c.Tokens) / (Seconds - WarmUpSeconds);

        /// <summary>The user with the fewest tokens, as a share of the median user's.</summary>
        public double LowestShareOfMedian
        {
            get
            {
                var perUser = Enumerable.Range(0, Users).Select(u => (double)Chats.Where(c => c.User == u && c.Ok).Sum(c => c.Tokens)).ToList();
                var median = Percentiles.Median(perUser);
                return median > 0 ? perUser.Min() / median : 0;
            }
        }

        public string Summary()
        {
            var ok = Chats.Where(c => c.Ok).ToList();
            var hosts = string.Join(" ", ok.GroupBy(c => c.Host ?? "?").OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}:{g.Count()}"));
            // Prompt tokens the hosts processed (Ollama's prompt_eval_count): a follow-up that found its conversation cached pays only
            // for what is new.
            var firstPrompt = ok.Where(c => c.Turn == 1).Select(c => (double)c.PromptTokens).DefaultIfEmpty(0).Average();
            var followUpPrompt = ok.Where(c => c.Turn > 1).Select(c => (double)c.PromptTokens).DefaultIfEmpty(0).Average();
            return string.Create(CultureInfo.InvariantCulture,
                $"{ok.Count} chats ({hosts}), {AggregateTokensPerSecond:F0} tokens/s, TTFT p95 {Percentiles.Of(ok.Select(c => c.Ttft!.Value.TotalSeconds)).P95:F2} s, "
                + $"prompt tokens processed: first turns {firstPrompt:F0}, follow-ups {followUpPrompt:F0} (mean)");
        }
    }
}
