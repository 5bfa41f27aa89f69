using System.Security.Cryptography;
using System.Text;

namespace MeshMind.Llm.Scheduling;

/// <summary>
/// Which host served each recent conversation, so its next turn can go back there (its prompt is in that host's cache).
/// A conversation is known by its messages: a turn's key is a hash of the messages it sent, and the next turn, which sends
/// those messages, the answer and a new question, finds it under the hash of all but its last two. Works the same for every
/// client (the web UI, OpenAI's and Ollama's); at most <see cref="Capacity"/> conversations are remembered, the oldest forgotten.
/// </summary>
internal sealed class ConversationAffinity
{
    public const int Capacity = 4096;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, string> _hosts = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    /// <summary>The key this turn is remembered by: its model and messages.</summary>
    public static string KeyOf(string model, IReadOnlyList<LlmMessage> messages) => Hash(model, messages, messages.Count);

    /// <summary>The key of the turn before this one (its messages without the last answer and question), if it could have one.</summary>
    public static string? PreviousKeyOf(string model, IReadOnlyList<LlmMessage> messages) =>
        messages.Count >= 3 && messages[^2].Role == LlmMessage.Assistant ? Hash(model, messages, messages.Count - 2) : null;

    public void Remember(string key, string nodeId)
    {
        lock (_lock)
        {
            if (_hosts.TryAdd(key, nodeId))
            {
                _order.Enqueue(key);
                while (_order.Count > Capacity)
                {
                    _hosts.Remove(_order.Dequeue());
                }
            }
            else
            {
                _hosts[key] = nodeId;
            }
        }
    }

    public string? HostOf(string? key)
    {
        if (key is null)
        {
            return null;
        }

        lock (_lock)
        {
            return _hosts.GetValueOrDefault(key);
        }
    }

    private static string Hash(string model, IReadOnlyList<LlmMessage> messages, int count)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[4];
        Append(hash, ModelNames.Normalize(model), length);
        for (var i = 0; i < count; i++)
        {
            Append(hash, messages[i].Role, length);
            Append(hash, messages[i].Content, length);
        }

        return Convert.ToHexString(hash.GetHashAndReset(), 0, 16);
    }

    private static void Append(IncrementalHash hash, string text, Span<byte> length)
    {
        // Each field with its length first, so ("ab", "c") and ("a", "bc") differ.
        var bytes = Encoding.UTF8.GetBytes(text);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(length, bytes.Length);
        hash.AppendData(length);
        hash.AppendData(bytes);
    }
}
