namespace MeshMind.Llm;

/// <summary>The local LLM backend and the router (configuration section <c>Llm</c>).</summary>
internal sealed class LlmOptions
{
    public const string Section = "Llm";

    /// <summary>The local Ollama. Nothing listening there means this node has no LLM and delegates to peers.</summary>
    public string OllamaUrl { get; set; } = "http://127.0.0.1:11434";

    /// <summary>
    /// The local Ollama's models directory, which model copies read from and install into (issue 17). Empty: Ollama's own
    /// default, <c>OLLAMA_MODELS</c> else <c>~/.ollama/models</c>; a Linux service install of Ollama keeps its models in
    /// <c>/usr/share/ollama/.ollama/models</c>.
    /// </summary>
    public string OllamaModelsDir { get; set; } = "";

    /// <summary>The most bytes per second a model copy to this node takes from the LAN; 0: as fast as it goes.</summary>
    public long ModelCopyBytesPerSecond { get; set; }

    /// <summary>
    /// How long a source of a model copy may send nothing in the middle of a range before it is dropped (its blocks go to the
    /// other holders; with none left the copy ends with an error and can be resumed). A holder whose network went silent
    /// otherwise holds the copy until TCP gives up, which can take hours.
    /// </summary>
    public TimeSpan ModelCopyStallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The local backend's protocol: <c>ollama</c> (at <see cref="OllamaUrl"/>) or <c>openai</c> (at <see cref="OpenAiUrl"/>).</summary>
    public string Backend { get; set; } = "ollama";

    /// <summary>An OpenAI-compatible server's API base, e.g. <c>http://127.0.0.1:8080/v1</c> (llama.cpp server, vLLM, LM Studio).</summary>
    public string OpenAiUrl { get; set; } = "";

    /// <summary>The bearer key for <see cref="OpenAiUrl"/>; empty sends none. Never logged.</summary>
    public string OpenAiKey { get; set; } = "";

    /// <summary>Where this node's LLM is, whichever the backend.</summary>
    public string BackendUrl => Backend == "openai" ? OpenAiUrl : OllamaUrl;

    /// <summary>How often <c>/api/tags</c> and <c>/api/ps</c> are probed.</summary>
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long one probe may take. A probe that takes longer is late, not a verdict: the LLM stays a candidate (ranked
    /// after hosts that answered) until <see cref="Local.LocalLlm.FailedProbesToDrop"/> probes in a row failed; a refused
    /// connection drops it at once.
    /// </summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Requests the local LLM takes at once before peers are preferred (Ollama's OLLAMA_NUM_PARALLEL).</summary>
    public int MaxParallel { get; set; } = 4;

    /// <summary>How long a host may take to send its first token (a cold model loads in this time).</summary>
    public TimeSpan FirstTokenTimeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>A stream with no chunk for this long is ended with an error.</summary>
    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How a chat's host is chosen (<see cref="Scheduling.RoutingStrategy"/>): <c>meshmind</c> (earliest expected completion,
    /// queued here when every host is full), or the baselines <c>least-connections</c>, <c>round-robin</c> and <c>local-first</c>.
    /// </summary>
    public string Routing { get; set; } = Scheduling.RoutingStrategy.MeshMind;

    /// <summary>Whether a follow-up goes back to the host that served the conversation (its prompt is in that host's cache).</summary>
    public bool StickyConversations { get; set; } = true;

    /// <summary>Chats that may wait here for a host's slot (<c>meshmind</c> routing); one more is answered 503.</summary>
    public int MaxQueue { get; set; } = 256;

    /// <summary>How long a chat may wait here for a host's slot before it is answered 503.</summary>
    public TimeSpan QueueTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long a host may take to send its first token when the model was not in its memory (it is loading it), in place
    /// of <see cref="FirstTokenTimeout"/> when that is shorter.
    /// </summary>
    public TimeSpan LoadTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Whether this node's LLM serves admitted peers (answered in <c>llm_access_response</c>).</summary>
    public bool ServePeers { get; set; } = true;

    /// <summary>The model used when a request names none and the mesh has several; empty = the first in the catalog.</summary>
    public string DefaultModel { get; set; } = "";

    /// <summary>Earlier turns of a conversation sent as context, at most this many.</summary>
    public int ContextTurns { get; set; } = 8;

    /// <summary>Earlier turns sent as context, at most this many characters in all.</summary>
    public int ContextCharacters { get; set; } = 16_000;
}
