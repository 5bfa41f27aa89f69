namespace MeshMind.Llm.Scheduling;

/// <summary>
/// Chats waiting for a host, taking turns by client (a person, an API key): the order is the first of each client's chats,
/// the client served least recently going first, then the second of each, and so on. One client with fifty chats waiting
/// delays another's next chat by at most one of its own. Chats sent again after their host failed go before all.
/// </summary>
/// <remarks>Not thread-safe: the scheduler guards it. Sizes are small (at most <c>Llm:MaxQueue</c>), so order is computed by walking.</remarks>
internal sealed class FairQueue<T> where T : class
{
    /// <summary>Clients whose last turn is remembered while they have nothing waiting; beyond it the oldest are forgotten.</summary>
    private const int RememberedClients = 1024;

    private readonly List<T> _first = [];
    private readonly Dictionary<string, List<T>> _byClient = new(StringComparer.Ordinal);
    private readonly List<string> _clients = [];
    private readonly Dictionary<string, long> _servedAt = new(StringComparer.Ordinal);
    private long _turn;

    public int Count { get; private set; }

    public void Enqueue(string client, T item, bool first = false)
    {
        if (first)
        {
            _first.Add(item);
        }
        else
        {
            if (!_byClient.TryGetValue(client, out var items))
            {
                _byClient[client] = items = [];
                _clients.Add(client);
            }

            items.Add(item);
        }

        Count++;
    }

    /// <summary>Takes <paramref name="item"/> out (served, cancelled or failed); <paramref name="served"/> counts it as its client's turn.</summary>
    public bool Remove(string client, T item, bool served)
    {
        var removed = _first.Remove(item);
        if (!removed && _byClient.TryGetValue(client, out var items) && items.Remove(item))
        {
            removed = true;
            if (items.Count == 0)
            {
                _byClient.Remove(client);
                _clients.Remove(client);
            }
        }

        if (!removed)
        {
            return false;
        }

        Count--;
        if (served)
        {
            _servedAt[client] = ++_turn;
            if (_servedAt.Count > RememberedClients)
            {
                foreach (var (idle, _) in _servedAt.Where(c => !_byClient.ContainsKey(c.Key)).OrderBy(c => c.Value).Take(_servedAt.Count - RememberedClients).ToList())
                {
                    _servedAt.Remove(idle);
                }
            }
        }

        return true;
    }

    /// <summary>Every waiting item in serving order.</summary>
    public List<T> Ordered()
    {
        var ordered = new List<T>(Count);
        ordered.AddRange(_first);
        if (_clients.Count == 0)
        {
            return ordered;
        }

        // Least recently served first; clients never served in the order they started waiting.
        var clients = _clients.OrderBy(c => _servedAt.GetValueOrDefault(c)).Select(c => _byClient[c]).ToList();
        for (var round = 0; ordered.Count < Count; round++)
        {
            foreach (var items in clients)
            {
                if (round < items.Count)
                {
                    ordered.Add(items[round]);
                }
            }
        }

        return ordered;
    }
}
