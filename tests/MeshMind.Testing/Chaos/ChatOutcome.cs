namespace MeshMind.Testing.Chaos;

/// <summary>
/// How one streamed chat of a chaos run ended. <see cref="Kind"/>: <c>answered</c> (the whole reply, properly ended),
/// <c>cut</c> (a true prefix of the reply, then an error in the API's own form), <c>refused</c> (an error status, an error
/// before any text, a wrong reply) or <c>hung</c> (not finished within the time limit).
/// </summary>
/// <param name="Question">The question asked; the fake Ollama echoes it.</param>
/// <param name="Api">The API it was sent through.</param>
/// <param name="Client">Which client loop sent it.</param>
/// <param name="Started">When the request was sent (<see cref="System.Diagnostics.Stopwatch.GetTimestamp"/>).</param>
/// <param name="Ended">When its response ended.</param>
/// <param name="Kind">How it ended (the constants below).</param>
/// <param name="Host">The answering host's node id, where the API names it (<see cref="ChatApi.MeshMind"/>).</param>
/// <param name="Detail">The error or the body, for anything but an answer.</param>
public sealed record ChatOutcome(string Question, ChatApi Api, string Client, long Started, long Ended, string Kind, string? Host, string Detail)
{
    public const string Answered = "answered";
    public const string Cut = "cut";
    public const string Refused = "refused";
    public const string Hung = "hung";
}
