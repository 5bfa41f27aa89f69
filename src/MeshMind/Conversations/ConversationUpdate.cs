namespace MeshMind.Conversations;

/// <summary>
/// <c>PATCH /api/conversations/{id}</c>: the fields sent are changed, the others kept. <c>null</c> clears a setting (the host's
/// default is used).
/// </summary>
internal sealed class ConversationUpdate
{
    /// <summary>1 to 200 printable characters.</summary>
    public string? Title { get; set; }

    /// <summary>Replaces MeshMind's system prompt for this conversation (at most 8,000 characters).</summary>
    public string? SystemPrompt { get; set; }

    /// <summary>0 to 2.</summary>
    public double? Temperature { get; set; }

    /// <summary>1 to 32,768 tokens per answer.</summary>
    public int? MaxTokens { get; set; }
}
