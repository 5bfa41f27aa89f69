namespace MeshMind.FakeOllama;

/// <summary>
/// The prefix cache: the last <see cref="GpuOptions.PrefixCacheEntries"/> prompts processed (least recently used goes
/// first), each extended by its answer once done, so the next question of a conversation finds its whole history.
/// </summary>
public sealed partial class GpuSimulation
{
    /// <summary>
    /// The share of a prompt a cached one must cover for the request to take that entry over, as llama.cpp's server picks
    /// the slot whose cache to reuse (<c>slot_prompt_similarity</c>, 0.5); below it the request starts an entry of its own.
    /// </summary>
    internal const double ReuseSimilarity = 0.5;

    private readonly LinkedList<CachedPrompt> _cache = new();

    /// <summary>Prompts in the prefix cache, most recently used first (for tests and diagnostics).</summary>
    public IReadOnlyList<string> CachedPrompts() => Read(() => _cache.Select(c => c.Text).ToList());

    /// <summary>The cached prompt of <paramref name="model"/> sharing the longest prefix with <paramref name="prompt"/>, and that prefix's length.</summary>
    private (CachedPrompt? Entry, int Chars) LookUpLocked(string model, string prompt)
    {
        (CachedPrompt? Entry, int Chars) best = (null, 0);
        foreach (var entry in _cache)
        {
            var chars = entry.Model == model ? prompt.AsSpan().CommonPrefixLength(entry.Text) : 0;
            if (chars > best.Chars)
            {
                best = (entry, chars);
            }
        }

        return best;
    }

    /// <summary>Records that the slot of <paramref name="request"/> now holds <paramref name="text"/>, replacing the entry it started from.</summary>
    private void RememberLocked(GpuRequest request, string text)
    {
        if (Options.CacheCapacity == 0)
        {
            return;
        }

        var entry = request.Cached ?? new CachedPrompt(request.Work.Model);
        _cache.Remove(entry);
        entry.Text = text;
        _cache.AddFirst(entry);
        request.Cached = entry;
        while (_cache.Count > Options.CacheCapacity)
        {
            _cache.RemoveLast();
        }
    }

    private void ForgetLocked(string model)
    {
        for (var node = _cache.First; node is not null;)
        {
            var next = node.Next;
            if (node.Value.Model == model)
            {
                _cache.Remove(node);
            }

            node = next;
        }
    }

    internal sealed class CachedPrompt(string model)
    {
        public string Model { get; } = model;

        public string Text { get; set; } = "";
    }
}
