namespace MeshMind.Llm;

/// <summary>Who asks for a chat, and whom to tell its place while it waits for a host (<c>meshmind</c> routing).</summary>
/// <param name="Client">The person or API key (signed-in name): when chats wait, clients take turns.</param>
/// <param name="Queued">Told the chat's place in line (1 = next) each time it changes while it waits.</param>
internal sealed record RequestOrigin(string Client, Action<int>? Queued = null)
{
    /// <summary>The client of requests that name none.</summary>
    public const string Anonymous = "";

    /// <summary>The signed-in name of <paramref name="context"/>'s caller (empty when there is none).</summary>
    public static RequestOrigin Of(HttpContext context, Action<int>? queued = null) => new(context.User.Identity?.Name ?? Anonymous, queued);
}
