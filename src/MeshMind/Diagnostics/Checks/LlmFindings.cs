using MeshMind.Llm;

namespace MeshMind.Diagnostics.Checks;

/// <summary>Whether this node's own LLM answers, and whether any linked peer has one when it does not.</summary>
internal static class LlmFindings
{
    /// <summary>Findings from the local LLM's last probe and the names of linked peers that offer an LLM.</summary>
    public static IEnumerable<Finding> From(LlmOptions options, LlmCapability local, IReadOnlyList<string> peersWithLlm)
    {
        var url = options.BackendUrl;
        var server = options.Backend == "openai" ? "OpenAI-compatible server" : "Ollama";
        if (local.HasLlm)
        {
            yield return local.ProbeLate
                ? Finding.Warning("llm_late", $"The local {server} at {url} answers late: its last probe took longer than {Plain.Duration(options.ProbeTimeout)}.",
                    "A busy machine or a model being loaded can cause this; if it lasts, check the LLM server.")
                : Finding.Ok("llm_local", $"The local {server} at {url} answers and serves {Plain.List([.. local.Models.Select(m => m.Name)])}.");
            yield break;
        }

        yield return Finding.Info("llm_none",
            $"No {server} answers at {url}, so this node has no LLM of its own and sends chats to peers that have one.",
            options.Backend == "openai"
                ? "To host models here, start the server, or correct Llm:OpenAiUrl."
                : "To host models here, start Ollama (ollama serve, then ollama pull llama3), or point --ollama-url at a running one.");
        yield return peersWithLlm.Count > 0
            ? Finding.Ok("llm_peers", $"Chats go to linked peers with an LLM: {Plain.List([.. peersWithLlm])}.")
            : Finding.Warning("llm_none_in_mesh", "No linked peer has an LLM either, so chats fail until one node of the mesh runs one with a model.",
                "Start Ollama with a model (ollama pull llama3) on one machine of the mesh.");
    }
}
